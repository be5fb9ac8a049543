package org.multios.ipc.channels.channel;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.multios.ipc.IpcContext;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channels.IpcRootSupport;

/** Common ground of the channel tests: {@link IpcRootSupport}, the channel service and test threads. */
abstract class ChannelTestSupport extends IpcRootSupport {
    ChannelService channels(IpcContext c) {
        return c.service(ChannelService.class);
    }

    ChannelService channels() {
        return channels(context());
    }

    /**
     * The options of the channels a test makes: as given here; with lanes in the tests of lane
     * channels that extend a test of this package ({@link ChannelOptions#lane()}).
     */
    ChannelOptions kind(ChannelOptions options) {
        return options;
    }

    /** Runs {@code task} in a new named thread of this test; the future gives its result. */
    static <T> Future<T> inThread(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread t = new Thread(future, "channel-test-" + name);
        t.setDaemon(true);
        t.start();
        return future;
    }

    /** The live thread of this JVM named {@code name}. */
    static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }
}
