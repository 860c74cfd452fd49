/** Injected everywhere time matters, so windows and suppression are tested without sleeping. */
export type Clock = () => Date;
