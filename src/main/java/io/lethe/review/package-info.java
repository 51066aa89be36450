/**
 * Read models of the compliance console (layer 5, beside requests and reconcile): what a reviewer looks at, assembled
 * from the stores that own the data (register, outbox, requests, reconciliation runs, connector descriptors). One job
 * per class; nothing here writes except {@link io.lethe.review.PersonalDataAccessLog}, the log of who opened whose data.
 * Rendering (HTML, CSV) is the console's; tables here are plain rows so the console's CSV helper can write them.
 */
package io.lethe.review;
