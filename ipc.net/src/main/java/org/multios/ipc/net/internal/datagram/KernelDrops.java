package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The datagrams the kernel dropped for one UDP socket before anyone could receive them (its
 * receive buffer was full, or a checksum or filter rejected them): the {@code drops} column
 * of Linux's {@code /proc/net/udp} or {@code /proc/net/udp6} (the socket's {@code sk_drops}).
 * Java's sockets do not report these drops ({@code SO_RXQ_OVFL} needs {@code recvmsg} with
 * control messages), so this is the only place they can be seen.
 *
 * <p>The socket is found once, right after it is bound, by its local address and port, which
 * only it can hold (the endpoint sets neither {@code SO_REUSEADDR} nor {@code SO_REUSEPORT}),
 * and read afterwards by its inode. Where the table does not exist (not Linux) or the socket is
 * not found in it, {@link #NONE} counts nothing.
 */
final class KernelDrops {
    /** Kernel drops cannot be seen for this socket: always 0. */
    static final KernelDrops NONE = new KernelDrops(null, "");

    private static final Path UDP = Path.of("/proc/net/udp");
    private static final Path UDP6 = Path.of("/proc/net/udp6");
    // columns of a socket's row
    private static final int LOCAL_ADDRESS = 1;
    private static final int INODE = 9;
    private static final int DROPS = 12;

    private final String inode;
    private Path table;
    private long last;

    private KernelDrops(Path table, String inode) {
        this.table = table;
        this.inode = inode;
    }

    /** The drop count of the socket bound to {@code local}, or {@link #NONE} if it cannot be seen. */
    static KernelDrops of(InetSocketAddress local, boolean ipv6) {
        Path table = ipv6 ? UDP6 : UDP;
        String wanted = procAddress(local);
        List<String> inodes = new ArrayList<>();
        try {
            for (String[] row : rows(table)) {
                if (row.length > DROPS && row[LOCAL_ADDRESS].equals(wanted)) {
                    inodes.add(row[INODE]);
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException unreadable) {
            return NONE;
        }
        return inodes.size() == 1 && !inodes.get(0).equals("0") ? new KernelDrops(table, inodes.get(0)) : NONE;
    }

    /**
     * The datagrams dropped so far: read now, or the last count read if the socket is no longer
     * in the table, the table cannot be read or {@link #stop} was called. Never decreases.
     */
    synchronized long count() {
        if (table == null) {
            return last;
        }
        try {
            for (String[] row : rows(table)) {
                if (row.length > DROPS && row[INODE].equals(inode)) {
                    last = Math.max(last, Long.parseLong(row[DROPS]));
                    break;
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException | NumberFormatException unreadable) {
            // keep the last count
        }
        return last;
    }

    /** Reads the count a last time, before the socket closes; later counts return that one. */
    synchronized void stop() {
        count();
        table = null;
    }

    private static List<String[]> rows(Path table) throws IOException {
        try (Stream<String> lines = Files.lines(table)) {
            return lines.skip(1).map(l -> l.trim().split("\\s+")).toList();
        }
    }

    /**
     * An address as the table prints it: each 32-bit word of the address in the host's byte
     * order as 8 hex digits, a colon, the port as 4 hex digits.
     */
    static String procAddress(InetSocketAddress address) {
        byte[] bytes = address.getAddress().getAddress();
        ByteBuffer words = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        StringBuilder s = new StringBuilder(bytes.length * 2 + 5);
        for (int i = 0; i < bytes.length; i += 4) {
            s.append(String.format(Locale.ROOT, "%08X", words.getInt(i)));
        }
        return s.append(String.format(Locale.ROOT, ":%04X", address.getPort())).toString();
    }
}
