/** An error about a data file: the message starts with the file and says what is wrong. */
export class DataFileError extends Error {
  /**
   * @param file - the offending path (or a description such as "<buffer>").
   * @param problem - what is wrong, in words a user can act on.
   */
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DataFileError';
  }
}
