/** The defaults the entities' column declarations share (defineEntity's onCreate and onUpdate hooks). */
import { randomUUID } from 'node:crypto';

/** A new primary key. */
export const newId = (): string => randomUUID();

/** The current time, for createdAt and updatedAt. */
export const now = (): Date => new Date();
