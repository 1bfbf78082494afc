import { rewriteSettingHints } from "./settingHints";
import { escapeControlCharacters, quoteIfControlCharacters, quoteString } from "./terminalText";

describe("escapeControlCharacters", () => {
  it.each([
    ["a\nb", "a\\nb"],
    ["\r\t\b\f", "\\r\\t\\b\\f"],
    ["\u0000\u001b[2J", "\\u0000\\u001b[2J"],
    ["\u007f", "\\u007f"],
    ["\u0085\u009b", "\\u0085\\u009b"],
    ["\u2028\u2029", "\\u2028\\u2029"],
    ["tier name: ü \\ \"x\"", "tier name: ü \\ \"x\""],
  ])("escapes %j", (text, escaped) => {
    expect(escapeControlCharacters(text)).toBe(escaped);
  });
});

describe("quoteString", () => {
  it("escapes what JSON.stringify keeps", () => {
    expect(quoteString("a\u009bb\u007f")).toBe('"a\\u009bb\\u007f"');
  });

  it("parses back as JSON", () => {
    const text = "x\n\u001b\"\\";

    expect(JSON.parse(quoteString(text))).toBe(text);
  });
});

describe("quoteIfControlCharacters", () => {
  it("keeps plain text as it is", () => {
    expect(quoteIfControlCharacters('say "hi"')).toBe('say "hi"');
  });

  it("quotes text with a C1 control", () => {
    expect(quoteIfControlCharacters("a\u009b")).toBe('"a\\u009b"');
  });
});

describe("rewriteSettingHints", () => {
  it("names the option and variables for the command", () => {
    const message = "raise huaweicloud:maxRetries or huaweicloud:lookupTimeout.";

    expect(rewriteSettingHints(message)).toBe("raise HW_MAX_RETRIES or --timeout (or HW_LOOKUP_TIMEOUT).");
  });

  it("keeps a message without stack config names", () => {
    expect(rewriteSettingHints("Server x was not found.")).toBe("Server x was not found.");
  });
});
