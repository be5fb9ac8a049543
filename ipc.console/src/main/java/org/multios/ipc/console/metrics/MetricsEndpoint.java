package org.multios.ipc.console.metrics;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.spi.AccessControl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Prometheus endpoint ({@code /metrics} by default) on the HTTP service, registered through
 * the HTTP whiteboard, configured by {@value MetricsSettings#PID}. A scrape authenticates exactly
 * as the Web Console's pages do: through the Web Console's own security provider (the same
 * service, chosen by the same ranking), so the gateway's generated password, or whatever login
 * the operator configured for the console, is the one a scraper sends. Without that provider the
 * endpoint answers 503 and shows nothing. A scrape reads the snapshots the objects' statistics
 * give ({@link IpcRuntime#objects()}), which read counters the objects keep: no message path is
 * touched. The servlet is registered by name as a service factory and made when the HTTP
 * whiteboard first takes it, so that a gateway without the HTTP service (the minimal one) loads
 * no servlet class for it.
 */
@Component(configurationPid = MetricsSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, immediate = true)
@Designate(ocd = MetricsEndpoint.Config.class)
public final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** The service the endpoint is registered as, by name: naming its class would load it. */
    static final String SERVLET = "jakarta.servlet.Servlet";

    /** The configuration of the endpoint. */
    @ObjectClassDefinition(name = "MultiOS IPC metrics", description = "The Prometheus endpoint on the HTTP service; "
            + "it asks for the Web Console's login.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Whether the endpoint is served.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Path", description = "Where the HTTP service serves it.")
        String path() default "/metrics";

        @AttributeDefinition(name = "Objects exported", description = "The most objects (and processes) one scrape "
                + "exports, the first by kind and name; ipc_metrics_objects_omitted counts the rest.")
        int max_objects() default 1000;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile IpcRuntime runtime;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AccessControl accessControl;
    /**
     * The Web Console's {@code SecurityProvider}, held as an Object: the minimal gateway has no Web
     * Console, and a field of the console's type would make SCR fail to read this class there.
     */
    @Reference(service = SecurityProvider.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Object consoleSecurity;

    private final BundleContext context;
    private volatile MetricsSettings settings = MetricsSettings.DEFAULTS;
    private ServiceRegistration<?> registration;

    /** Serves the endpoint as configured (refused settings: logged, and nothing is served). */
    @Activate
    public MetricsEndpoint(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        apply(properties);
    }

    @Modified
    synchronized void apply(Map<String, Object> properties) {
        unregister();
        try {
            settings = MetricsSettings.of(properties);
        } catch (IpcException e) {
            LOG.error("metrics endpoint not served: {}", e.getMessage());
            return;
        }
        if (!settings.enabled()) {
            LOG.info("metrics endpoint disabled ({} enabled=false)", MetricsSettings.PID);
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", settings.path());
        props.put("osgi.http.whiteboard.servlet.name", "ipc.metrics");
        registration = context.registerService(SERVLET, new ScrapeOnFirstUse(), props);
        LOG.info("metrics endpoint at {} (Web Console login, at most {} objects)", settings.path(),
                settings.maxObjects());
    }

    @Deactivate
    synchronized void unregister() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping
            }
            registration = null;
        }
    }

    /** Makes the servlet for the bundle that takes it (the HTTP whiteboard's). */
    private final class ScrapeOnFirstUse implements ServiceFactory<Object> {
        @Override
        public Object getService(Bundle bundle, ServiceRegistration<Object> reg) {
            return new Scrape();
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Object> reg, Object service) {
            // nothing held: the servlet keeps no state of its own
        }
    }

    /** One scrape: the Web Console's authentication, then the exposition. */
    private final class Scrape extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            SecurityProvider security = (SecurityProvider) consoleSecurity;
            if (security == null) {
                resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "the Web Console's authentication is not available");
                return;
            }
            if (security.authenticate(req, resp) == null) {
                if (!resp.isCommitted()) {
                    resp.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                }
                return;
            }
            IpcRuntime rt = runtime;
            if (rt == null) {
                resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "no security policy in force: the platform serves nothing");
                return;
            }
            AccessControl ac = accessControl;
            String body;
            try {
                body = PrometheusText.render(rt.objects(), ac == null ? Map.of() : ac.quotaUse(),
                        ac == null ? Map.of() : ac.quotas(), rt.connectionCount(), rt.limits(), settings.maxObjects());
            } catch (IpcException e) {
                resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage());
                return;
            }
            resp.setContentType(PrometheusText.CONTENT_TYPE);
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().write(body);
        }
    }
}
