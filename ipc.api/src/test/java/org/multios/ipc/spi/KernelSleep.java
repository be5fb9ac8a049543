package org.multios.ipc.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * "Wait until the waiter sleeps", read from the kernel: a thread of this JVM (found by its name
 * in {@code /proc/self/task/<tid>/comm}) is inside the futex or futex_waitv system call
 * ({@code /proc/self/task/<tid>/syscall}), on a given word for futex. A waiter counted as a
 * sleeper has not necessarily reached the kernel yet; the order in which waiters reach it is
 * the order a one-waiter wake picks them in (FIFO among equal priorities).
 */
public final class KernelSleep {
    private static final long FUTEX = "aarch64".equals(System.getProperty("os.arch")) ? 98 : 202;
    private static final long FUTEX_WAITV = 449;

    private KernelSleep() {
    }

    /**
     * Waits (at most 20 s) until {@code thread} sleeps in futex on {@code address} (any word if
     * -1), or in futex_waitv if 0.
     */
    public static void awaitAsleep(Thread thread, long address) throws IOException, InterruptedException {
        awaitAsleep(thread, syscall -> asleep(syscall, address));
    }

    /**
     * Waits (at most 20 s) until {@code thread} sleeps in futex on the word at {@code offset} of
     * {@code file}, in any mapping of the file in this process ({@code /proc/self/maps}, by inode:
     * a mapping made before the file got its name shows another path): for a test that cannot
     * reach the mapping its handle sleeps on.
     */
    public static void awaitAsleepOn(Thread thread, Path file, long offset) throws IOException, InterruptedException {
        String inode = Files.getAttribute(file, "unix:ino").toString();
        awaitAsleep(thread, syscall -> mappedAt(inode, offset).stream().anyMatch(a -> asleep(syscall, a)));
    }

    private static void awaitAsleep(Thread thread, Predicate<String> asleep) throws IOException, InterruptedException {
        String name = thread.getName().length() > 15 ? thread.getName().substring(0, 15) : thread.getName();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - deadline < 0) {
            if (!thread.isAlive()) {
                throw new AssertionError(thread.getName() + " ended before it slept");
            }
            for (Path task : tasks()) {
                if (read(task.resolve("comm")).equals(name) && asleep.test(read(task.resolve("syscall")))) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError(thread.getName() + " did not sleep in the kernel within 20 s");
    }

    /** The addresses of the byte at {@code offset} of the file in each of this process's mappings of it. */
    private static List<Long> mappedAt(String inode, long offset) {
        List<Long> addresses = new ArrayList<>();
        for (String line : read(Path.of("/proc/self/maps")).split("\n")) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length == 6 && f[4].equals(inode)) {
                String[] range = f[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                long from = Long.parseLong(f[2], 16);
                if (offset >= from && offset - from < end - start) {
                    addresses.add(start + offset - from);
                }
            }
        }
        return addresses;
    }

    private static boolean asleep(String syscall, long address) {
        String[] f = syscall.split(" ");
        if (f.length < 2 || f[0].equals("running")) {
            return false;
        }
        long number = Long.parseLong(f[0]);
        return address == 0 ? number == FUTEX_WAITV
                : number == FUTEX && (address == -1 || Long.parseUnsignedLong(f[1].substring(2), 16) == address);
    }

    private static List<Path> tasks() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return s.toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException taskEnded) {
            return "";
        }
    }
}
