package org.multios.ipc.console.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Whether a state-changing request to the IPC page comes from the page itself: its
 * {@code Origin} (or, where a browser sends none, its {@code Referer}) is the page's own origin,
 * and it carries the per-session token the page put into its forms ({@value #TOKEN}). A
 * cross-site form, link or script has neither; the browser's Basic credentials alone are not
 * enough.
 */
final class RequestOrigin {
    /** The form field and session attribute of the token. */
    static final String TOKEN = "ipc.csrf";
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestOrigin() {
    }

    /** The session's token, made at its first use. */
    static String token(HttpSession session) {
        synchronized (session) {
            Object t = session.getAttribute(TOKEN);
            if (t instanceof String s) {
                return s;
            }
            byte[] bytes = new byte[TOKEN_BYTES];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(TOKEN, token);
            return token;
        }
    }

    /** Why the request is refused, or null if it comes from the page. */
    static String refusal(HttpServletRequest req) {
        String crossOrigin = originRefusal(req);
        if (crossOrigin != null) {
            return crossOrigin;
        }
        HttpSession session = req.getSession(false);
        Object expected = session == null ? null : session.getAttribute(TOKEN);
        String given = req.getParameter(TOKEN);
        if (!(expected instanceof String e) || given == null
                || !MessageDigest.isEqual(e.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            return "the request carries no valid token of this session (reload the page)";
        }
        return null;
    }

    /** Why the request is not from a page of this origin (its Origin, else its Referer), or null if it is. */
    static String originRefusal(HttpServletRequest req) {
        String own = ownOrigin(req);
        String origin = req.getHeader("Origin");
        if (origin != null) {
            if (!origin.equalsIgnoreCase(own)) {
                return "cross-origin request (Origin " + origin + ", this page is " + own + ")";
            }
        } else {
            String referer = req.getHeader("Referer");
            if (referer == null) {
                return "the request has neither Origin nor Referer";
            }
            if (!own.equalsIgnoreCase(originOf(referer))) {
                return "cross-origin request (Referer " + referer + ", this page is " + own + ")";
            }
        }
        return null;
    }

    /** The origin the browser addressed: scheme, and the Host header it sent. */
    private static String ownOrigin(HttpServletRequest req) {
        String host = req.getHeader("Host");
        return req.getScheme().toLowerCase(Locale.ROOT) + "://" + (host == null ? req.getServerName() + ":"
                + req.getServerPort() : host);
    }

    /** The origin of a URL ({@code scheme://host[:port]}), or "" if it has none. */
    static String originOf(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return "";
            }
            return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority();
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
