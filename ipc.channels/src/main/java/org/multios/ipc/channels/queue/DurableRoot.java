package org.multios.ipc.channels.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.core.mapped.ObjectDirectory;

/**
 * The durable root: the directory on a disk file system where queues of a durability other than
 * {@link QueueDurability#NONE} live, as {@code <durable root>/queue/<name>} beside their owner
 * records ({@code <durable root>/.owners}), checked like the IPC root (a real directory of this
 * OS user that no one else may write). Made on the first durable create; refused on a file
 * system that lives in memory (tmpfs, ramfs), where nothing would survive a reboot.
 */
final class DurableRoot {
    /** Framework or system property naming the durable root. */
    static final String PROPERTY = "org.multios.ipc.durable.root";
    /** The default durable root's directory under the working directory. */
    static final String DEFAULT_DIRECTORY = "ipc-durable";
    /** File system types that keep their files in memory. */
    static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");

    private final Path root;
    private final ObjectDirectory directory;

    DurableRoot(Path root, IpcEnvironment environment) {
        this.root = root;
        this.directory = new ObjectDirectory(new IpcEnvironment(root, environment.limits()), ObjectType.QUEUE);
    }

    /** The configured root ({@value #PROPERTY}), or {@code ipc-durable} under the working directory. */
    static Path configured(String property) {
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve(DEFAULT_DIRECTORY);
    }

    /** The queue directory of the durable root. */
    ObjectDirectory directory() {
        return directory;
    }

    /** This root with other limits. */
    IpcEnvironment environment(IpcEnvironment ipc) {
        return new IpcEnvironment(root, ipc.limits());
    }

    /**
     * Makes the root and its queue directory where missing, checks them, and checks that they are
     * on a disk file system.
     *
     * @throws IpcException UNSUPPORTED naming the root and its file system type if that keeps its
     *                      files in memory; PERMISSION_DENIED or IO_ERROR as
     *                      {@link ObjectDirectory#prepareDirectories()}
     */
    void prepare(String what) {
        directory.prepareDirectories();
        String type;
        try {
            type = Files.getFileStore(directory.directory()).type();
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot read the file system of the durable root "
                    + root + ": " + e, e);
        }
        if (MEMORY_FILE_SYSTEMS.contains(type)) {
            throw new IpcException(IpcError.UNSUPPORTED, what + ": the durable root " + root + " is on " + type
                    + ", which keeps its files in memory and loses them at reboot; set " + PROPERTY
                    + " to a directory on a disk file system");
        }
    }

    /**
     * Makes a newly created queue's name and owner record survive a power loss: its file's content
     * was flushed before it was linked; its record and every directory from the root down to it
     * and to the record are flushed here ({@code <root>/.owners/queue/<inode>} is the record's place, see the owner records of
     * the mapped layer).
     *
     * @throws IpcException IO_ERROR naming the object and what could not be flushed
     */
    void syncCreated(long inode, String what) {
        Path records = root.resolve(".owners").resolve(ObjectType.QUEUE.label());
        sync(records.resolve(Long.toUnsignedString(inode)), what);
        sync(records, what);
        sync(records.getParent(), what);
        sync(directory.directory(), what);
        sync(root, what); // the first create made the directories above
    }

    private static void sync(Path p, String what) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot flush " + p + " to disk: " + e, e);
        }
    }
}
