/** A request the console answers with an error page: its HTTP status, the page title and the message. */
export class HttpProblem extends Error {
  /** @param status HTTP status @param title page title @param message what went wrong, for the operator */
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}
