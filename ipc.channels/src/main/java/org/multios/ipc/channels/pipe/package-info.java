/**
 * Pipes: unnamed pipes between bundles as byte rings on the heap, and named pipes as FIFOs in
 * the pipe directory of the IPC root, read and written through non-blocking descriptors that
 * wait in the kernel. Private to ipc.channels.
 */
package org.multios.ipc.channels.pipe;
