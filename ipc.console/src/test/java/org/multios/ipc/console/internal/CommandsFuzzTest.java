package org.multios.ipc.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.multios.ipc.fuzz.Fuzz.forAll;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.fuzz.Fuzz;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.net.NetService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.spi.AccessControl;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.multios.ipc.sync.SyncService;

/**
 * Gogo command arguments, on random cases (harness: {@link Fuzz}): {@link IpcCommands} and
 * {@link NetCommands} called directly with random arguments, as a console user could type
 * them, over services that refuse every object (NOT_FOUND) or are missing (UNAVAILABLE). Every
 * failure must be an IpcException: the commands' own parsing of modes, hex data, lengths, sides,
 * event types, signals, endpoints and tokens must not throw anything else nor allocate what the
 * argument asks for. {@code -Dipc.fuzz.tries=N} fuzzes longer, {@code -Dipc.fuzz.seed=S
 * -Dipc.fuzz.tries=1} replays a failure:
 * <pre>mvn -o -pl ipc.api,ipc.console -am verify -Dtest=CommandsFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dipc.fuzz.tries=100000</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandsFuzzTest {

    /** A service of which every call fails with NOT_FOUND, as when no object has the name. */
    @SuppressWarnings("unchecked")
    private static <T> T refusing(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, m, args) -> {
            switch (m.getName()) {
                case "hashCode" -> { return System.identityHashCode(proxy); }
                case "equals" -> { return proxy == args[0]; }
                case "toString" -> { return "refusing " + type.getSimpleName(); }
                case "objects", "processes", "collectStale", "rules" -> { return List.of(); }
                case "object" -> { return java.util.Optional.empty(); }
                case "connectionCount" -> { return 0; }
                case "limits" -> { return org.multios.ipc.IpcLimits.defaults(); }
                default -> throw new IpcException(IpcError.NOT_FOUND, m.getName() + ": no such object");
            }
        });
    }

    private static void inject(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    /** The service objects of a reference as SCR binds them, giving {@code service}. */
    private static <S> ComponentServiceObjects<S> objects(S service) {
        return new ComponentServiceObjects<>() {
            @Override
            public S getService() {
                return service;
            }

            @Override
            public void ungetService(S s) {
            }

            @Override
            public ServiceReference<S> getServiceReference() {
                return null;
            }
        };
    }

    private static IpcCommands commands(boolean withServices) throws ReflectiveOperationException {
        IpcCommands c = new IpcCommands(refusing(IpcRuntime.class));
        if (withServices) {
            inject(c, "ownAccessControl", refusing(AccessControl.class));
            inject(c, "ownShm", objects(refusing(SharedMemoryService.class)));
            inject(c, "ownSync", objects(refusing(SyncService.class)));
            inject(c, "ownEvents", objects(refusing(EventService.class)));
            inject(c, "ownSignals", objects(refusing(SignalService.class)));
            inject(c, "ownQueues", objects(refusing(MessageQueueService.class)));
            inject(c, "ownPipes", objects(refusing(PipeService.class)));
            inject(c, "ownChannels", objects(refusing(ChannelService.class)));
        }
        return c;
    }

    @Test
    void ipcCommandsFailOnlyWithIpcExceptions() throws ReflectiveOperationException {
        IpcCommands with = commands(true);
        IpcCommands without = commands(false);
        forAll(1500, r -> {
            IpcCommands c = r.nextInt(4) == 0 ? without : with;
            String a = arg(r);
            String b = arg(r);
            String d = arg(r);
            long n = number(r);
            int i = (int) number(r);
            Supplier<String> call = switch (r.nextInt(24)) {
                case 0 -> () -> c.objects(a);
                case 1 -> () -> c.object(a, b);
                case 2 -> () -> c.revoke(n, a, b);
                case 3 -> () -> c.unlink(a, b);
                case 4 -> () -> c.chmod(a, b, d);
                case 5 -> () -> c.chown(a, b, d, arg(r));
                case 6 -> () -> c.shmcreate(a, n, d);
                case 7 -> () -> c.shmwrite(a, n, r.nextBoolean() ? "hex:" + d : d);
                case 8 -> () -> c.shmread(a, n, i);
                case 9 -> () -> c.semcreate(a, i);
                case 10 -> () -> c.sempost(a);
                case 11 -> () -> c.semwait(a, n);
                case 12 -> () -> c.mutexcreate(a);
                case 13 -> () -> c.eventcreate(a, r.nextBoolean() ? "auto" : b);
                case 14 -> () -> c.eventsignal(a, n);
                case 15 -> () -> c.eventwait(a, n);
                case 16 -> () -> c.signal(n, a, i);
                case 17 -> () -> r.nextBoolean() ? c.queuecreate(a, i, (int) number(r))
                        : c.queuecreate(a, i, (int) number(r), r.nextBoolean() ? "lane" : b);
                case 18 -> () -> c.send(a, i, b);
                case 19 -> () -> c.receive(a, n);
                case 20 -> () -> r.nextBoolean() ? c.channelcreate(a, i) : c.channelcreate(a, i, r.nextBoolean() ? "lane" : b);
                case 21 -> () -> c.channelsend(a, b, i, d);
                case 22 -> () -> c.channelreceive(a, b, n);
                default -> () -> c.fifocreate(a, b);
            };
            commandFailsOnlyWithIpcException(call);
        });
    }

    @Test
    void netCommandsFailOnlyWithIpcExceptions() throws ReflectiveOperationException {
        NetCommands with = new NetCommands();
        inject(with, "ownNet", objects(refusing(NetService.class)));
        NetCommands without = new NetCommands();
        forAll(1500, r -> {
            NetCommands c = r.nextInt(4) == 0 ? without : with;
            String endpoint = r.nextBoolean() ? (r.nextBoolean() ? "tcp://" : "unix:") + arg(r) : arg(r);
            String queue = arg(r);
            String token = r.nextInt(3) == 0 ? "" : r.nextInt(5) == 0 ? "t".repeat(1000 + r.nextInt(100)) : arg(r);
            Supplier<String> call = switch (r.nextInt(4)) {
                case 0 -> () -> c.remotesend(endpoint, queue, (int) number(r), arg(r));
                case 1 -> () -> c.remotesend(endpoint, queue, (int) number(r), arg(r), token);
                case 2 -> () -> c.remotereceive(endpoint, queue, number(r));
                default -> () -> c.remotereceive(endpoint, queue, number(r), token);
            };
            commandFailsOnlyWithIpcException(call);
        });
    }

    private static void commandFailsOnlyWithIpcException(Supplier<String> call) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                String out = call.get();
                assertThat(out).isNotNull();
            } catch (IpcException expected) {
                assertThat(expected.getMessage()).isNotEmpty();
            }
        });
    }

    private static final String[] WORDS = { "queue", "shm", "semaphore", "mutex", "condition", "event", "channel",
        "pipe", "endpoint", "A", "b", "C", "auto", "manual", "660", "0777", "1000", "-1", "TERM", "USR1", "15",
        "RTMIN+2", "RTMAX-99", "SIGKILL", "hex:0a0b", "hex:zz", "hex:abc", "hex:", "orders", "..", "/", "", " ",
        "\0", "é", "\ud800", "127.0.0.1:1", "[::1]:0" };

    private static String arg(SplittableRandom r) {
        return r.nextInt(3) == 0 ? Fuzz.name(r) : WORDS[r.nextInt(WORDS.length)];
    }

    private static long number(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1 - r.nextInt(1000);
            case 2 -> Integer.MAX_VALUE;
            case 3 -> Integer.MIN_VALUE;
            case 4 -> Long.MAX_VALUE;
            case 5 -> Long.MIN_VALUE;
            default -> r.nextInt(100);
        };
    }
}
