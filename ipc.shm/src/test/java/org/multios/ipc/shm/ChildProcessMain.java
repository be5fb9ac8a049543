package org.multios.ipc.shm;

import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.spi.ChildMain;

/**
 * The other process of {@link CrossProcessSharedMemoryTest}: a plain JVM that attaches to the
 * platform through {@link Ipc#open()} (its IPC root comes from the system property
 * {@code org.multios.ipc.root}) and does what its arguments say. Every wait is bounded; a
 * failure ends the process with a non-zero exit code and the reason on standard error.
 *
 * <ul>
 * <li>{@code write <name> <offset> <length> <flagOffset>}: opens the named segment, writes
 * {@link #pattern} bytes at {@code offset}, then sets the int at {@code flagOffset} to 1 with
 * volatile semantics.</li>
 * <li>{@code add <name> <wordOffset> <readyOffset> <goOffset> <count>}: opens the named
 * segment, adds 1 to the long at {@code readyOffset}, waits until the long at {@code goOffset}
 * is not 0, then adds 1 to the long at {@code wordOffset} {@code count} times.</li>
 * <li>{@code create <name> <size>}: creates the named segment (mode 0600), writes
 * {@link #pattern} bytes at its start, prints {@code created <pid>} and exits without
 * unlinking it.</li>
 * <li>{@code hammer <shared> <own> <size>}: creates the named segment {@code own} (mode 0600),
 * maps it and the existing segment {@code shared}, prints {@code hammering}, then until it is
 * killed adds 1 to the long at offset 0 of {@code shared} and fills {@code own} with a pattern.</li>
 * </ul>
 */
public final class ChildProcessMain {
    /** How long any wait of the child may take. */
    static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private ChildProcessMain() {
    }

    /** The byte at index {@code i} of the test pattern that starts with {@code seed}. */
    static byte pattern(int seed, int i) {
        return (byte) (seed + i * 31 + (i >>> 8));
    }

    public static void main(String[] args) {
        ChildMain.runCommand(args, ChildProcessMain::run);
    }

    private static void run(String[] args) throws InterruptedException {
        try (IpcContext ipc = Ipc.open()) {
            SharedMemoryService shm = ipc.service(SharedMemoryService.class);
            switch (args[0]) {
                case "write" -> write(shm, args[1], Long.parseLong(args[2]), Integer.parseInt(args[3]),
                        Long.parseLong(args[4]));
                case "add" -> add(shm, args[1], Long.parseLong(args[2]), Long.parseLong(args[3]),
                        Long.parseLong(args[4]), Integer.parseInt(args[5]));
                case "create" -> create(shm, args[1], Long.parseLong(args[2]));
                case "hammer" -> hammer(shm, args[1], args[2], Long.parseLong(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }

    private static void write(SharedMemoryService shm, String name, long offset, int length, long flagOffset) {
        try (SharedMemory segment = shm.open(name); Mapping m = segment.map(MapAccess.READ_WRITE)) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = pattern(0x5A, i);
            }
            m.write(offset, data, 0, length);
            m.putIntVolatile(flagOffset, 1);
        }
    }

    private static void add(SharedMemoryService shm, String name, long wordOffset, long readyOffset, long goOffset,
            int count) throws InterruptedException {
        try (SharedMemory segment = shm.open(name); Mapping m = segment.map(MapAccess.READ_WRITE)) {
            m.getAndAddLong(readyOffset, 1);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (m.getLongVolatile(goOffset) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out waiting for the go word");
                }
                Thread.onSpinWait();
                Thread.sleep(0, 100_000);
            }
            for (int i = 0; i < count; i++) {
                m.getAndAddLong(wordOffset, 1);
            }
        }
    }

    private static void create(SharedMemoryService shm, String name, long size) {
        try (SharedMemory segment = shm.create(name, size, 0600)) {
            byte[] data = new byte[(int) Math.min(size, 256)];
            for (int i = 0; i < data.length; i++) {
                data[i] = pattern(0x11, i);
            }
            segment.write(0, data);
            System.out.println("created " + ProcessHandle.current().pid());
        }
    }

    private static void hammer(SharedMemoryService shm, String shared, String own, long size) {
        try (SharedMemory mine = shm.create(own, size, 0600); SharedMemory theirs = shm.open(shared);
                Mapping m = mine.map(MapAccess.READ_WRITE); Mapping s = theirs.map(MapAccess.READ_WRITE)) {
            System.out.println("hammering");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            for (int round = 0; System.nanoTime() < deadline; round++) {
                s.getAndAddLong(0, 1);
                for (long i = 8; i < size; i += 8) {
                    m.putLong(i, round * 31L + i);
                }
            }
            throw new IllegalStateException("hammered for " + WAIT_MILLIS + " ms and was not killed");
        }
    }
}
