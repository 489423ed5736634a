const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE/i;
const MIN_LENGTH = 4;

/**
 * Hides secrets in everything the CLI prints: the values of environment variables whose names look secret and the
 * config's `secrets`, however they are embedded (also URL- and base64-encoded, as in a Basic header). A last line
 * of defence: the clients already redact what they know.
 */
export class SecretFilter {
  readonly #needles: string[];

  /** @param secrets strings never to print */
  constructor(secrets: Iterable<string>) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < MIN_LENGTH) continue;
      needles.add(secret);
      needles.add(encodeURIComponent(secret));
      needles.add(Buffer.from(secret).toString('base64'));
    }
    // Longest first, so a secret containing another is replaced whole.
    this.#needles = [...needles].sort((a, b) => b.length - a.length);
  }

  /** Secrets from an environment: values of variables named like SECRET, PASSWORD, TOKEN, KEY, CREDENTIAL. */
  static fromEnv(env: NodeJS.ProcessEnv, extra: readonly string[] = []): SecretFilter {
    const values = Object.entries(env)
      .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string')
      .map(([, value]) => value as string);
    return new SecretFilter([...values, ...extra]);
  }

  /** The text with every secret replaced by `***`. */
  clean(text: string): string {
    let out = text;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.split(needle).join('***');
    return out;
  }
}
