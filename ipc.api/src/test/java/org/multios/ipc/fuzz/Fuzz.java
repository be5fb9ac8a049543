package org.multios.ipc.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * The seeded harness of the bad-input fuzz tests (the pattern of ipc.net's
 * {@code FrameDecoderFuzzTest}): each property runs a bounded number of tries from a random seed,
 * try i drawing from {@code new SplittableRandom(seed + i)}; a falsified property names the seed
 * that replays it. System properties, passed through Maven to the test JVM:
 * <ul>
 * <li>{@code ipc.fuzz.tries}: tries of every property, to fuzz longer;</li>
 * <li>{@code ipc.fuzz.seed}: the first try's seed; with {@code -Dipc.fuzz.tries=1} it replays the
 * case a failure named.</li>
 * </ul>
 */
public final class Fuzz {
    /** Characters a hostile name is made of: valid ones, separators, dots, controls, unicode. */
    private static final String[] PIECES = { "a", "Z", "0", "9", ".", "..", "_", "-", "/", "\\", "\0", " ", "\t",
        "\n", ":", "*", "?", "%", "~", "$", "é", "\u00a0", "\u202e", "\ud83d\ude00", "\ud800", "\udfff", "\uffff",
        "../", "/..", "./", "..\\", "/dev/shm", "%2e%2e%2f", "\u2024", "\uff0e", "\u0130" };

    private Fuzz() {
    }

    /**
     * Runs a property on {@code tries} cases (or {@code -Dipc.fuzz.tries}), try i drawing from
     * {@code new SplittableRandom(seed + i)}; a failure names the seed that replays it.
     */
    public static void forAll(int tries, Consumer<SplittableRandom> property) {
        int n = Integer.getInteger("ipc.fuzz.tries", tries);
        long first = Long.getLong("ipc.fuzz.seed", new SplittableRandom().nextLong());
        for (int i = 0; i < n; i++) {
            long seed = first + i;
            try {
                property.accept(new SplittableRandom(seed));
            } catch (Throwable t) {
                fail("falsified on try " + (i + 1) + " of " + n + "; replay with -Dipc.fuzz.seed=" + seed
                        + " -Dipc.fuzz.tries=1", t);
            }
        }
    }

    /** A size from 0 to max, biased towards the edges and small values as they find most bugs. */
    public static int size(SplittableRandom r, int max) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> max;
            case 2 -> Math.max(0, max - r.nextInt(3));
            case 3, 4 -> r.nextInt(Math.min(max, 16) + 1);
            default -> r.nextInt(max + 1);
        };
    }

    public static byte[] bytes(SplittableRandom r, int max) {
        byte[] b = new byte[size(r, max)];
        r.nextBytes(b);
        return b;
    }

    /**
     * A name as a hostile caller would give it: often valid, often near the 200-character limit,
     * else made of separators, dots, NUL, controls and unicode, now and then very long.
     */
    public static String name(SplittableRandom r) {
        StringBuilder s = new StringBuilder();
        switch (r.nextInt(6)) {
            case 0 -> { // valid characters, around the length limit
                int n = r.nextBoolean() ? 1 + r.nextInt(12) : 195 + r.nextInt(10);
                for (int i = 0; i < n; i++) {
                    s.append("abcXYZ019._-".charAt(r.nextInt(12)));
                }
            }
            case 1 -> { // very long
                int n = 1000 + r.nextInt(70_000);
                for (int i = 0; i < n; i++) {
                    s.append(r.nextInt(50) == 0 ? '/' : 'a');
                }
            }
            case 2 -> { // random code units, any of them
                int n = size(r, 40);
                for (int i = 0; i < n; i++) {
                    s.append((char) r.nextInt(r.nextBoolean() ? 128 : 65536));
                }
            }
            default -> {
                int n = 1 + size(r, 12);
                for (int i = 0; i < n; i++) {
                    s.append(PIECES[r.nextInt(PIECES.length)]);
                }
            }
        }
        return s.toString();
    }

    /** Whether a name follows the documented rules: 1..200 of [A-Za-z0-9._-], not starting with a dot. */
    public static boolean validName(String s) {
        return s != null && s.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    }

    /** Runs a call; returns normally or with an IpcException of one of the allowed codes, nothing else. */
    public static IpcException returnsOrThrows(Runnable call, IpcError... allowed) {
        try {
            call.run();
            return null;
        } catch (IpcException e) {
            for (IpcError a : allowed) {
                if (e.error() == a) {
                    return e;
                }
            }
            throw new AssertionError("unexpected error code " + e.error() + ": " + e.getMessage(), e);
        }
    }
}
