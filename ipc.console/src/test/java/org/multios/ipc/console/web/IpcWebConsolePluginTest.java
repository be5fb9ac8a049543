package org.multios.ipc.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The IPC page shows an action's outcome from its own request ({@code ?ok=...}, {@code ?error=...}):
 * anyone can send an operator a link with such a request, so what it carries is shown escaped.
 */
class IpcWebConsolePluginTest {
    @Test
    void anOutcomeInTheRequestIsShownAsTextNotMarkup() throws IOException {
        String page = get(Map.of(
                "ok", "unlinked queue '<script>alert(1)</script>' & \"more\"",
                "error", "<img src=x onerror=alert(2)>: 'quoted' \"text\" & <script>alert(3)</script>"));

        assertThat(page).doesNotContain("<script>alert").doesNotContain("<img")
                .contains("<div class='ipc-ok' id='ipc-message'>unlinked queue &#39;&lt;script&gt;alert(1)"
                        + "&lt;/script&gt;&#39; &amp; &#34;more&#34;</div>")
                .contains("<span class='ipc-code'>&lt;img src=x onerror=alert(2)&gt;</span>: &#39;quoted&#39; "
                        + "&#34;text&#34; &amp; &lt;script&gt;alert(3)&lt;/script&gt;</div>");
    }

    /** The page a GET with these parameters renders, with no IPC runtime or security service bound. */
    private static String get(Map<String, String> parameters) throws IOException {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(), new Class<?>[] { HttpServletRequest.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> "/system/console/" + IpcWebConsolePlugin.LABEL;
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getAttribute" -> null;
                    case "getContextPath" -> "";
                    case "getServletPath" -> "/system/console";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        StringWriter body = new StringWriter();
        PrintWriter writer = new PrintWriter(body);
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                HttpServletResponse.class.getClassLoader(), new Class<?>[] { HttpServletResponse.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getWriter" -> writer;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        new IpcWebConsolePlugin().doGet(request, response);
        writer.flush();
        return body.toString();
    }
}
