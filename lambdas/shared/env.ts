/** Read a required environment variable, failing at cold start with a message that names it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is not set; the function's construct must pass it.`);
  }
  return value;
}
