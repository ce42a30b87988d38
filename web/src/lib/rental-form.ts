// The rent form's text fields, read as the API takes them; errors name the line or value that is wrong.

/** `KEY=value` lines → env; blank lines and `#` comments skipped. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals < 1) throw new Error(`Environment line ${index + 1} must read NAME=value, not "${line}"`);
    env[line.slice(0, equals).trim()] = line.slice(equals + 1);
  }
  return env;
}

export function parsePorts(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((part) => {
      const port = Number(part);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`"${part}" is no port: ports are whole numbers from 1 to 65535`);
      return port;
    });
}
