/** Formats a time as an `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(time: Date): string {
  return time.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Parses an `X-Sdk-Date` value, returning `undefined` when it is not of the form `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return formatSdkDate(time) === value ? time : undefined;
}
