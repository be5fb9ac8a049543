package org.multios.ipc.console.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.Statistics;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.console.history.ObjectHistory;
import org.multios.ipc.event.EventService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.sync.SyncService;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.owasp.encoder.Encode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console page "IPC" ({@code /system/console/ipc}): live objects with their statistics,
 * charts of the busiest objects' recent past that refresh on their own (uPlot, served from this
 * bundle's {@code res/}, fed by {@code history.json} from {@link ObjectHistory}), IPC processes
 * with their quota use against their quotas, limits and security rules, and per object the
 * unlink and chmod actions. A plain Servlet plugin: the Web Console renders its header and navigation
 * around the content of a GET, which changes nothing; a POST runs one action through the
 * guarded API services of this bundle (so ipc.security checks it like any call) and redirects
 * back with its outcome, an error showing the IpcException's code and message. A POST must come
 * from this page ({@link RequestOrigin}: same origin, the session's token), else it is refused
 * with 403 and changes nothing. Everything shown is HTML-escaped (OWASP Java Encoder): names
 * come from other processes, and the outcome shown comes back in the request.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = Servlet.class, property = {
    "felix.webconsole.label=" + IpcWebConsolePlugin.LABEL,
    "felix.webconsole.title=IPC",
    "felix.webconsole.category=MultiOS" })
public final class IpcWebConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IpcWebConsolePlugin.class);

    /** The page's label: the last segment of its URL. */
    public static final String LABEL = "ipc";
    /** The charts' data, under the page's URL. */
    static final String HISTORY = "history.json";

    private static final String STYLE = """
            <style>
            .ipc-page h2 { margin: 1.2em 0 0.4em 0; font-size: 1.1em; }
            .ipc-page table.ipc { border-collapse: collapse; width: 100%; margin-bottom: 0.5em; }
            .ipc-page table.ipc th, .ipc-page table.ipc td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; }
            .ipc-page table.ipc th { background: #eee; }
            .ipc-page td.num { text-align: right; font-family: monospace; }
            .ipc-page td.mode { font-family: monospace; }
            .ipc-page form.ipc-action { display: inline; margin: 0 0.3em 0 0; }
            .ipc-page form.ipc-action input[type=text] { width: 4em; }
            .ipc-page .ipc-ok { background: #e6f4e6; border: 1px solid #7a7; padding: 4px 8px; margin: 0.5em 0; }
            .ipc-page .ipc-error { background: #fbe9e9; border: 1px solid #c66; padding: 4px 8px; margin: 0.5em 0; }
            .ipc-page .ipc-code { font-weight: bold; font-family: monospace; }
            .ipc-page .ipc-muted { color: #777; }
            .ipc-page .ipc-live-object h3 { font-size: 1em; margin: 0.6em 0 0.2em 0; }
            .ipc-page .ipc-chart { display: inline-block; vertical-align: top; margin-right: 6px; }
            .ipc-page .ipc-chart .u-title { font-size: 0.9em; }
            </style>
            """;

    private final transient ObjectAdmin admin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile IpcRuntime runtime;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile AccessControl accessControl;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ObjectHistory history;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<SharedMemoryService> shm;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<SyncService> sync;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<EventService> events;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<MessageQueueService> queues;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<PipeService> pipes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ComponentServiceObjects<ChannelService> channels;

    /**
     * The page. It shows the security policy's state whatever it is; objects, processes and
     * limits while the runtime is published (that is, while a policy is in force).
     */
    @Activate
    public IpcWebConsolePlugin() {
        // the mechanisms' services are taken at the first action that needs each (AtFirstUse)
        this.admin = new ObjectAdmin(new AtFirstUse<>(() -> shm), new AtFirstUse<>(() -> sync),
                new AtFirstUse<>(() -> events), new AtFirstUse<>(() -> queues), new AtFirstUse<>(() -> pipes),
                new AtFirstUse<>(() -> channels));
    }

    // ------------------------------------------------------------------ actions

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String refused = RequestOrigin.refusal(req);
        if (refused != null) {
            LOG.warn("IPC page: refused a {} request from {}: {}", req.getMethod(), req.getRemoteAddr(), refused);
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, refused);
            return;
        }
        String action = req.getParameter("action");
        String type = req.getParameter("type");
        String name = req.getParameter("name");
        String outcome;
        try {
            if (type == null || name == null) {
                throw IpcException.invalidArgument("the request names no object");
            }
            if ("unlink".equals(action)) {
                admin.unlink(type, name);
                outcome = "ok=" + encode("unlinked " + type + " '" + name + "'");
            } else if ("chmod".equals(action)) {
                String mode = req.getParameter("mode");
                outcome = "ok=" + encode(type + " '" + name + "': " + admin.chmod(type, name, mode == null ? "" : mode));
            } else {
                throw IpcException.invalidArgument("unknown action '" + action + "'");
            }
        } catch (IpcException e) {
            outcome = "error=" + encode(e.getMessage());
        } catch (RuntimeException e) {
            outcome = "error=" + encode(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", pluginRoot(req) + "?" + outcome);
    }

    private static String pluginRoot(HttpServletRequest req) {
        Object root = req.getAttribute("felix.webconsole.pluginRoot");
        return root instanceof String s ? s : req.getContextPath() + req.getServletPath() + "/" + LABEL;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ page

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getRequestURI().endsWith("/" + HISTORY)) {
            ObjectHistory h = history;
            resp.setContentType("application/json; charset=utf-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().write(HistoryJson.of(h == null || runtime == null ? List.of() : h.series(),
                    ObjectHistory.INTERVAL_MILLIS));
            return;
        }
        PrintWriter out = resp.getWriter();
        String root = Encode.forHtml(pluginRoot(req));
        out.println(STYLE);
        out.println("<div class='ipc-page'>");
        String ok = req.getParameter("ok");
        String error = req.getParameter("error");
        if (ok != null) {
            out.println("<div class='ipc-ok' id='ipc-message'>" + Encode.forHtml(ok) + "</div>");
        }
        if (error != null) {
            int colon = error.indexOf(": ");
            out.println("<div class='ipc-error' id='ipc-message'>" + (colon > 0
                    ? "<span class='ipc-code'>" + Encode.forHtml(error.substring(0, colon)) + "</span>: "
                            + Encode.forHtml(error.substring(colon + 2))
                    : Encode.forHtml(error)) + "</div>");
        }
        boolean refresh = req.getParameter("refresh") != null;
        out.println("<p>" + (refresh
                ? "Refreshing every 5 s. <a href='" + root + "'>Stop</a>"
                : "<a href='" + root + "'>Refresh</a> &middot; <a href='" + root + "?refresh'>Refresh every 5 s</a>")
                + "</p>");
        if (refresh) {
            out.println("<script>setTimeout(function () { location.replace(location.pathname + '?refresh'); }, 5000);</script>");
        }
        try {
            renderPolicy(out);
            IpcRuntime rt = runtime;
            if (rt != null) {
                renderObjects(out, root, "<input type='hidden' name='" + RequestOrigin.TOKEN + "' value='"
                        + Encode.forHtml(RequestOrigin.token(req.getSession(true))) + "'>", rt);
                renderLive(out, root);
                renderProcesses(out, rt);
                renderLimits(out, rt);
            }
        } catch (IpcException e) {
            out.println("<div class='ipc-error'><span class='ipc-code'>" + Encode.forHtml(e.error().name())
                    + "</span>: " + Encode.forHtml(e.getMessage()) + "</div>");
        }
        out.println("</div>");
    }

    private void renderObjects(PrintWriter out, String root, String token, IpcRuntime runtime) {
        List<ObjectInfo> objects = runtime.objects();
        out.println("<h2>Objects (" + objects.size() + ")</h2>");
        if (objects.isEmpty()) {
            out.println("<p class='ipc-muted' id='ipc-no-objects'>no objects</p>");
            return;
        }
        out.println("<table class='ipc' id='ipc-objects'><thead><tr><th>Type</th><th>Name</th><th>Owner</th>"
                + "<th>Group</th><th>Mode</th><th>Size</th><th>Handles</th><th>In</th><th>Out</th><th>Creator</th>"
                + "<th>Actions</th></tr></thead><tbody>");
        for (ObjectInfo o : objects) {
            Statistics s = o.statistics();
            boolean bytes = o.type() == ObjectType.SHARED_MEMORY || o.type() == ObjectType.PIPE;
            out.println("<tr data-type='" + Encode.forHtml(o.type().label()) + "' data-name='"
                    + Encode.forHtml(o.displayName()) + "'>"
                    + td(o.type().label()) + td(o.displayName()) + td(o.permissions().owner())
                    + td(o.permissions().group()) + "<td class='mode'>" + Encode.forHtml(o.permissions().modeString())
                    + " (" + String.format("%03o", o.permissions().mode()) + ")</td>"
                    + "<td class='num'>" + ObjectAdmin.size(o) + "</td>"
                    + num(s.get(Counter.HANDLES)) + num(s.get(bytes ? Counter.BYTES_IN : Counter.MESSAGES_IN))
                    + num(s.get(bytes ? Counter.BYTES_OUT : Counter.MESSAGES_OUT)) + td(ObjectAdmin.creator(o.creator()))
                    + "<td>" + actions(o, root, token) + "</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<p class='ipc-muted'>In and Out count bytes for segments and pipes, messages (or posts) for the "
                + "rest.</p>");
    }

    private static String actions(ObjectInfo o, String root, String token) {
        if (o.name().isEmpty() || !ObjectAdmin.canUnlink(o.type())) {
            return "";
        }
        String hidden = "<input type='hidden' name='type' value='" + Encode.forHtml(o.type().label())
                + "'><input type='hidden' name='name' value='" + Encode.forHtml(o.name().get()) + "'>";
        StringBuilder s = new StringBuilder();
        s.append("<form class='ipc-action' method='post' action='").append(root).append("'>").append(token)
                .append("<input type='hidden' name='action' value='unlink'>").append(hidden)
                .append("<input type='submit' class='ipc-unlink' value='Unlink'></form>");
        if (ObjectAdmin.canChmod(o.type())) {
            s.append("<form class='ipc-action' method='post' action='").append(root).append("'>").append(token)
                    .append("<input type='hidden' name='action' value='chmod'>").append(hidden)
                    .append("<input type='text' name='mode' aria-label='mode' value='")
                    .append(String.format("%03o", o.permissions().mode())).append("'>")
                    .append("<input type='submit' class='ipc-chmod' value='Chmod'></form>");
        }
        return s.toString();
    }

    /** The charts' place; ipc-charts.js fills it from history.json and keeps it up to date. */
    private static void renderLive(PrintWriter out, String root) {
        out.println("<h2>Live: the busiest objects, last " + ObjectHistory.POINTS * ObjectHistory.INTERVAL_MILLIS / 60_000
                + " minutes</h2>");
        out.println("<link rel='stylesheet' href='" + root + "/res/uplot/uPlot.min.css'>");
        out.println("<p class='ipc-muted' id='ipc-live-empty'>sampling every " + ObjectHistory.INTERVAL_MILLIS / 1000
                + " s: the charts appear after two samples of an object</p>");
        out.println("<div id='ipc-live' data-history='" + root + "/" + HISTORY + "'></div>");
        out.println("<script src='" + root + "/res/uplot/uPlot.iife.min.js'></script>");
        out.println("<script src='" + root + "/res/ipc-charts.js'></script>");
    }

    private void renderProcesses(PrintWriter out, IpcRuntime runtime) {
        AccessControl ac = accessControl;
        Map<IpcProcess, Map<Quota, Long>> use = ac == null ? Map.of() : ac.quotaUse();
        Map<Quota, Long> quotas = ac == null ? Map.of() : ac.quotas();
        List<IpcProcess> processes = runtime.processes();
        out.println("<h2>Processes (" + processes.size() + "), open handles and network connections: " + runtime.connectionCount() + "</h2>");
        out.println("<table class='ipc' id='ipc-processes'><thead><tr><th>Kind</th><th>Id</th><th>Name</th>"
                + "<th>User</th><th>PID</th><th>Objects / quota</th><th>Shm bytes / quota</th>"
                + "<th>Queued messages / quota</th></tr></thead><tbody>");
        for (IpcProcess p : processes) {
            Map<Quota, Long> q = use.getOrDefault(p, Map.of());
            out.println("<tr>" + td(p.kind().name().toLowerCase()) + num(p.id()) + td(p.name()) + td(p.user())
                    + num(p.pid()) + quota(q, quotas, Quota.OBJECTS) + quota(q, quotas, Quota.SHARED_MEMORY_BYTES)
                    + quota(q, quotas, Quota.QUEUED_MESSAGES) + "</tr>");
        }
        out.println("</tbody></table>");
    }

    private void renderLimits(PrintWriter out, IpcRuntime runtime) {
        out.println("<h2>Limits</h2>");
        out.println("<table class='ipc' id='ipc-limits'><thead><tr><th>Limit</th><th>Value</th></tr></thead><tbody>");
        for (Map.Entry<Limit, Long> l : runtime.limits().asMap().entrySet()) {
            out.println("<tr>" + td(l.getKey().key()) + num(l.getValue()) + "</tr>");
        }
        out.println("</tbody></table>");
    }

    private void renderPolicy(PrintWriter out) {
        out.println("<h2>Security policy</h2>");
        AccessControl ac = accessControl;
        if (ac == null) {
            out.println("<p class='ipc-error' id='ipc-policy'>ipc.security is not running: no API service, no network "
                    + "peer admitted.</p>");
            return;
        }
        PolicyState state = ac.policyState();
        out.println("<p class='" + (state.inForce() ? "ipc-ok" : "ipc-error") + "' id='ipc-policy'>"
                + Encode.forHtml(state.describe()) + "</p>");
        if (!state.inForce()) {
            return;
        }
        List<String> rules = ac.rules();
        if (rules.isEmpty()) {
            out.println("<p class='ipc-muted'>no rules: owner, group and mode decide</p>");
            return;
        }
        out.println("<table class='ipc' id='ipc-rules'><thead><tr><th>#</th><th>Rule, in evaluation order</th></tr>"
                + "</thead><tbody>");
        int i = 1;
        for (String r : rules) {
            out.println("<tr>" + num(i++) + "<td class='mode'>" + Encode.forHtml(r) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private static String td(Object value) {
        return "<td>" + Encode.forHtml(String.valueOf(value)) + "</td>";
    }

    /** Use against quota: "3 / 10 (30%)", or "3 / none". */
    private static String quota(Map<Quota, Long> use, Map<Quota, Long> quotas, Quota quota) {
        long used = use.getOrDefault(quota, 0L);
        Long max = quotas.get(quota);
        return "<td class='num'>" + used + " / " + (max == null ? "none" : max + " (" + used * 100 / max + "%)")
                + "</td>";
    }

    private static String num(long value) {
        return "<td class='num'>" + value + "</td>";
    }
}
