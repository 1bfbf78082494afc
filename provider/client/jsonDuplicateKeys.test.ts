import { findDuplicateJsonKey } from "./jsonDuplicateKeys";

describe("findDuplicateJsonKey", () => {
  it("finds a key named twice in meta", () => {
    expect(findDuplicateJsonKey('{"meta": {"role": "a", "role": "b"}}')).toEqual({ key: "role", path: "meta" });
  });

  it("finds a duplicate top-level member", () => {
    expect(findDuplicateJsonKey('{"meta": {"a": "1"}, "meta": {"b": "2"}}')).toEqual({ key: "meta", path: "" });
  });

  it("finds a duplicate written with an escape", () => {
    expect(findDuplicateJsonKey('{"meta": {"role": "a", "r\\u006fle": "b"}}')?.key).toBe("role");
  });

  it("accepts the same key in two objects", () => {
    expect(findDuplicateJsonKey('{"a": {"k": "1"}, "b": {"k": "2"}}')).toBeUndefined();
  });

  it("accepts a value equal to a key", () => {
    expect(findDuplicateJsonKey('{"meta": {"role": "role"}}')).toBeUndefined();
  });

  it("accepts keys inside strings and arrays", () => {
    expect(findDuplicateJsonKey('{"meta": {"a": "\\"a\\": 1, \\"a\\": 2", "b": ["a", "a"]}}')).toBeUndefined();
  });

  it("checks objects inside arrays separately", () => {
    expect(findDuplicateJsonKey('[{"k": 1}, {"k": 2}, {"x": 1, "x": 2}]')).toEqual({ key: "x", path: "[]" });
  });
});
