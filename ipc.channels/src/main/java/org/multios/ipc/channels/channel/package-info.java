/**
 * Bidirectional message channels: two {@link org.multios.ipc.channels.ring.PriorityRing}s, one
 * per direction, in one mapped file, named under the channel directory of the IPC root or
 * anonymous (an unlinked file reachable only through its handles). Private to ipc.channels.
 */
package org.multios.ipc.channels.channel;
