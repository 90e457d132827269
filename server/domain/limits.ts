// What the API takes, in one place: the zod schemas refuse beyond these, and the web's forms stop at them, so a
// phone never queues what the server will refuse.

/** A description, a note or a reason: at most this many characters. */
export const NOTE_MAX = 2000;
/** Photos with one report, rectification, step or sighting. */
export const PHOTOS_MAX = 10;
/** Items one bulk step (notify, urge …) may take at once. */
export const BULK_MAX = 200;
/** Characters of a search. */
export const SEARCH_MAX = 100;
