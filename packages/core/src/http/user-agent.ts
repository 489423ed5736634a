/**
 * The `User-Agent` value the SDK's clients send: their product token (`name/version`) followed by the Node.js
 * major.minor version, e.g. `mlc-powerbi-push-client/0.1.0 node/20.20`, so a service's logs and support cases say
 * which client and runtime sent a request. Nothing identifying the machine or the user is added.
 */
export function userAgentOf(product: string): string {
  const [major = '0', minor = '0'] = process.versions.node.split('.');
  return `${product} node/${major}.${minor}`;
}
