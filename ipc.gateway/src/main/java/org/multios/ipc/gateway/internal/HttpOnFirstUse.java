package org.multios.ipc.gateway.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the HTTP service (Jetty) and the Web Console when the first connection reaches the HTTP
 * port, not with the gateway: most starts of a gateway never serve HTTP, and Jetty with the Web
 * Console is the largest share of its start-up time and memory. Their bundles are at a start level
 * above the one the framework starts to (cnf/run.bnd); until they start, this class listens on
 * the HTTP port itself. The first connection raises the framework to that level; the listener
 * closes as Jetty's bundle starts, and the connections it accepted are relayed to Jetty (a
 * {@link ConnectionRelay} each) once Jetty and the Web Console are ready, so the first request is
 * answered as any other (Jetty sees it coming from the gateway's own address). SPI Fly, which
 * weaves Jetty's ServiceLoader calls, waits with them, at a level between (cnf/run.bnd).
 * Connections attempted while Jetty starts, after the listener closed, are refused; so are
 * accepted ones beyond {@value #MAX_RELAYS} relayed at once.
 * <p>
 * They start with the gateway instead when the framework property {@value #MODE} is
 * {@code eager}, or when this class cannot tell where Jetty will listen: an HTTP port of 0 or
 * none, HTTPS or HTTP switched by framework property, or a configuration file of Jetty's PID
 * ({@value #JETTY_PID}) in the configuration folder. Nothing is done when they are absent (the
 * minimal gateway) or started already, or when the framework's beginning start level is not
 * configured below theirs (a launcher such as Pax Exam raises the framework itself, and raising it
 * here could lower the level it climbs to); when the framework starts them on its own later
 * ({@code start} at the console), the listener closes as Jetty starts.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true)
public final class HttpOnFirstUse implements SynchronousBundleListener {
    /** The framework property choosing when HTTP starts: {@code first-use} (the default) or {@code eager}. */
    static final String MODE = "org.multios.ipc.gateway.http.start";
    /** Felix HTTP's Jetty bundle. */
    static final String JETTY = "org.apache.felix.http.jetty";
    /** Felix HTTP's configuration PID. */
    static final String JETTY_PID = "org.apache.felix.http";
    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";
    /** The PID of the managed service that tells when Configuration Admin has caught up. */
    static final String READY_PID = "org.multios.ipc.gateway.http.ready";
    /**
     * The level the framework's own start rises to; HTTP waits for its first connection only
     * where that is configured and below Jetty's level (the gateway's launch): a framework that
     * is raised further by its launcher (a test container) is left alone.
     */
    static final String BEGINNING_LEVEL = "org.osgi.framework.startlevel.beginning";

    private static final Logger LOG = LoggerFactory.getLogger(HttpOnFirstUse.class);

    private final BundleContext context;
    private final Bundle jetty;
    private final int level;
    private final AtomicBoolean started = new AtomicBoolean();
    /**
     * Most connections relayed at once: each holds two threads; the listener accepts only while
     * Jetty starts, but a client could open many in that time.
     */
    static final int MAX_RELAYS = 64;

    private final Relays relays = new Relays(MAX_RELAYS);
    private int relayed;
    private int refused;
    private ServerSocketChannel door;
    private Thread doorman;
    private boolean deactivated;
    private ServiceRegistration<ManagedService> readySignal;
    /** Counted down when the HTTP service and the Web Console can answer. */
    private final CountDownLatch ready = new CountDownLatch(1);

    /** Listens on the HTTP port, or starts HTTP at once, or does nothing (see the class). */
    @Activate
    public HttpOnFirstUse(BundleContext context) {
        this.context = context;
        this.jetty = find(context, JETTY);
        this.level = jetty == null ? 0 : jetty.adapt(BundleStartLevel.class).getStartLevel();
        if (jetty == null || level <= context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel()
                || level <= intProperty(context, BEGINNING_LEVEL, Integer.MAX_VALUE)
                || (jetty.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
            return; // no Jetty, or the framework's own start reaches it (raising it could lower a climb under way)
        }
        String eager = eagerReason(context);
        if (eager == null) {
            context.addBundleListener(this);
            eager = openDoor();
        }
        if (eager != null) {
            LOG.info("HTTP service and Web Console start with the gateway: {}", eager);
            startHttp();
        }
    }

    /** Why HTTP must start with the gateway, or null when it may wait for its first connection. */
    private static String eagerReason(BundleContext context) {
        if ("eager".equals(context.getProperty(MODE))) {
            return MODE + "=eager";
        }
        if (intProperty(context, PORT, 0) <= 0) {
            return "no fixed HTTP port (" + PORT + "=" + context.getProperty(PORT) + ")";
        }
        for (String switched : new String[] {"org.apache.felix.https.enable", "org.apache.felix.http.enable"}) {
            if (context.getProperty(switched) != null) {
                return switched + " is set";
            }
        }
        String conf = context.getProperty(ConfDirectory.PROPERTY);
        for (String ext : new String[] {".cfg", ".config"}) {
            if (conf != null && Files.exists(Path.of(conf, JETTY_PID + ext))) {
                return "Jetty is configured by " + Path.of(conf, JETTY_PID + ext);
            }
        }
        return null;
    }

    /** Listens on the HTTP port; returns why HTTP must start at once if it cannot. */
    private synchronized String openDoor() {
        String host = context.getProperty(HOST);
        int port = intProperty(context, PORT, 0);
        InetSocketAddress address = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        try {
            door = ServerSocketChannel.open();
            door.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            door.bind(address);
        } catch (IOException | RuntimeException e) {
            closeDoor();
            return "cannot listen on " + address + " before it (" + e + ")";
        }
        doorman = new Thread(this::admit, "ipc-gateway-http-first-use");
        doorman.setDaemon(true);
        doorman.start();
        LOG.info("HTTP service and Web Console start at the first connection to {} ({}=eager starts them with the gateway)",
                address, MODE);
        return null;
    }

    /** Accepts until the door closes; the first connection starts HTTP, each is relayed. */
    private void admit() {
        ServerSocketChannel listening;
        synchronized (this) {
            listening = door;
        }
        try {
            while (true) {
                SocketChannel client = listening.accept();
                if (!started.get()) {
                    LOG.info("first connection to the HTTP port, from {}: starting the HTTP service and the Web Console",
                            client.getRemoteAddress());
                }
                startHttp();
                relay(client, (InetSocketAddress) listening.getLocalAddress());
            }
        } catch (ClosedChannelException closed) {
            // Jetty is starting, or the gateway stops
        } catch (IOException e) {
            LOG.warn("the HTTP port's listener failed: {}; starting the HTTP service", e.toString());
            closeDoor();
            startHttp();
        }
    }

    private synchronized void relay(SocketChannel client, InetSocketAddress local) throws IOException {
        if (deactivated) {
            client.close();
            return;
        }
        InetSocketAddress jettyAddress = local.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), local.getPort()) : local;
        ConnectionRelay relay = new ConnectionRelay(client, jettyAddress, ready, "ipc-gateway-http-relay-" + ++relayed);
        if (!relays.admit(relay)) {
            if (refused++ == 0) {
                LOG.warn("{} relayed connections are open while the HTTP service starts: closed the one from {} (and"
                        + " any more until one ends)", MAX_RELAYS, client.getRemoteAddress());
            }
            client.close();
            return;
        }
        relay.start();
    }

    /**
     * Raises the framework to the HTTP start level and starts the bundles on the way there (SPI Fly,
     * which weaves Jetty, at a level below it) and at it, once; then {@link #afterConfigurations()}.
     */
    private void startHttp() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        FrameworkStartLevel framework = context.getBundle(0).adapt(FrameworkStartLevel.class);
        int from = framework.getStartLevel();
        for (Bundle b : context.getBundles()) {
            int at = b.adapt(BundleStartLevel.class).getStartLevel();
            if (at > from && at <= level) {
                try {
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    LOG.error("cannot start {}: {}", b.getSymbolicName(), e.toString());
                }
            }
        }
        if (framework.getStartLevel() < level) {
            framework.setStartLevel(level, event -> afterConfigurations());
        } else {
            afterConfigurations();
        }
    }

    /**
     * Says the HTTP service is ready once Configuration Admin has delivered the configurations
     * queued so far: the Web Console registers its servlets again when it receives its own (a
     * request in between fails), and Felix's Configuration Admin delivers to one managed service
     * after another, in order, so the delivery to one registered now comes after it.
     */
    private void afterConfigurations() {
        Dictionary<String, Object> properties = new Hashtable<>(Map.of(Constants.SERVICE_PID, READY_PID));
        ManagedService signal = configuration -> ready.countDown();
        synchronized (this) {
            if (!deactivated) {
                readySignal = context.registerService(ManagedService.class, signal, properties);
            }
        }
    }

    /** Closes the door as Jetty's bundle starts, whoever starts it, so that Jetty can bind the port. */
    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getBundle().equals(jetty) && event.getType() == BundleEvent.STARTING) {
            closeDoor();
        }
    }

    private synchronized void closeDoor() {
        if (door != null) {
            try {
                door.close();
            } catch (IOException e) {
                LOG.warn("closing the HTTP port's listener: {}", e.toString());
            }
            door = null;
        }
    }

    /** Closes the listener and every relayed connection, and waits for the listener's thread. */
    @Deactivate
    void deactivate() throws InterruptedException {
        context.removeBundleListener(this);
        closeDoor();
        List<ConnectionRelay> open;
        synchronized (this) {
            deactivated = true;
            open = relays.open();
            if (readySignal != null) {
                readySignal.unregister();
            }
        }
        open.forEach(ConnectionRelay::close);
        if (doorman != null) {
            doorman.join();
        }
    }

    private static Bundle find(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static int intProperty(BundleContext context, String name, int otherwise) {
        String value = context.getProperty(name);
        try {
            return value == null ? otherwise : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
