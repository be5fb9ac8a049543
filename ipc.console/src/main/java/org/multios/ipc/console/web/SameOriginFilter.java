package org.multios.ipc.console.web;

import java.io.IOException;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every page of the Web Console (Bundles installs and stops code, Configuration rewrites the
 * security policy) takes state-changing requests only from its own origin: a request other than
 * GET, HEAD or OPTIONS must carry an {@code Origin} (or, without one, a {@code Referer}) of the
 * console's own origin, else it is refused with 403 before any page sees it, and audited. The
 * browser's remembered credentials alone no longer let another site's form or script act. A
 * filter on the Web Console's servlet context of the HTTP whiteboard.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = Filter.class, property = {
    "osgi.http.whiteboard.filter.name=ipc-same-origin",
    "osgi.http.whiteboard.filter.pattern=/*",
    "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)" })
public final class SameOriginFilter implements Filter {
    private static final Logger AUDIT = LoggerFactory.getLogger("ipc.audit");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp
                && !SAFE_METHODS.contains(req.getMethod())) {
            String refused = RequestOrigin.originRefusal(req);
            if (refused != null) {
                AUDIT.warn("DENIED web console {} {} from {}: {}", req.getMethod(), req.getRequestURI(),
                        req.getRemoteAddr(), refused);
                resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Refused: " + refused);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
