package org.multios.ipc.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

class RequestOriginTest {
    private final Map<String, Object> sessionAttributes = new HashMap<>();
    private final HttpSession session = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
            new Class<?>[] { HttpSession.class }, (proxy, method, args) -> switch (method.getName()) {
                case "getAttribute" -> sessionAttributes.get((String) args[0]);
                case "setAttribute" -> sessionAttributes.put((String) args[0], args[1]);
                case "hashCode" -> System.identityHashCode(proxy);
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private HttpServletRequest post(Map<String, String> headers, String token, boolean withSession) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] { HttpServletRequest.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getScheme" -> "http";
                    case "getParameter" -> RequestOrigin.TOKEN.equals(args[0]) ? token : null;
                    case "getSession" -> withSession ? session : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aPostOfThePageWithItsSessionsTokenIsAccepted() {
        String token = RequestOrigin.token(session);
        assertThat(RequestOrigin.token(session)).as("one token a session").isEqualTo(token);

        assertThat(RequestOrigin.refusal(post(Map.of("Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080"),
                token, true))).isNull();
        assertThat(RequestOrigin.refusal(post(Map.of("Host", "127.0.0.1:8080",
                "Referer", "http://127.0.0.1:8080/system/console/ipc"), token, true))).as("Referer without Origin").isNull();
    }

    @Test
    void aPostFromAnotherOriginOrWithoutTheTokenIsRefused() {
        String token = RequestOrigin.token(session);

        assertThat(RequestOrigin.refusal(post(Map.of("Host", "127.0.0.1:8080", "Origin", "http://localhost:9999"),
                token, true))).contains("cross-origin");
        assertThat(RequestOrigin.refusal(post(Map.of("Host", "127.0.0.1:8080",
                "Referer", "http://127.0.0.1:8080.evil.example/x"), token, true))).contains("cross-origin");
        assertThat(RequestOrigin.refusal(post(Map.of("Host", "127.0.0.1:8080"), token, true)))
                .contains("neither Origin nor Referer");
        Map<String, String> sameOrigin = Map.of("Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080");
        assertThat(RequestOrigin.refusal(post(sameOrigin, null, true))).contains("no valid token");
        assertThat(RequestOrigin.refusal(post(sameOrigin, token + "x", true))).contains("no valid token");
        assertThat(RequestOrigin.refusal(post(sameOrigin, token, false))).as("no session").contains("no valid token");
    }
}
