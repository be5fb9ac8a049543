package org.multios.ipc.net.internal.stream;

/**
 * What a connection may queue for sending, in payload bytes, and the most it ever did.
 *
 * @param budget    senders wait (and a request/response peer is read no more) beyond it
 * @param hardLimit replies that never wait may pass the budget up to this
 * @param highWater the most bytes ever queued at once
 */
public record OutputBudget(long budget, long hardLimit, long highWater) {
}
