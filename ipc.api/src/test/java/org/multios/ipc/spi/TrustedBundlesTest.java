package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcException;
import org.osgi.framework.Bundle;

class TrustedBundlesTest {
    private static Bundle bundle(String location, String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getLocation" -> location;
                    case "getSymbolicName" -> symbolicName;
                    case "toString" -> location;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aBundleIsTrustedByItsLocationAndTheNameTheEntryNames() {
        TrustedBundles t = TrustedBundles.parse("jar/ipc.security-0.1.0.jar;name=ipc.security, file:/opt/ipc/*.jar");

        assertThat(t.test(bundle("jar/ipc.security-0.1.0.jar", "ipc.security"))).isTrue();
        assertThat(t.test(bundle("file:/opt/ipc/mine.jar", "anything"))).isTrue();
        assertThat(t.test(bundle("jar/ipc.security-0.1.0.jar", "ipc.security.evil"))).as("the name narrows").isFalse();
        assertThat(t.test(bundle("file:/tmp/ipc.security.jar", "ipc.security"))).as("the name alone").isFalse();
        assertThat(t.test(bundle("file:/opt/ipc/sub/x.jr", "x"))).isFalse();
        assertThat(t.test(null)).isFalse();
    }

    @Test
    void theDefaultTrustsThePlatformBundlesByName() {
        TrustedBundles t = TrustedBundles.parse(TrustedBundles.DEFAULT);

        assertThat(t.test(bundle("anywhere", "ipc.security"))).isTrue();
        assertThat(t.test(bundle("anywhere", "ipc.net"))).isTrue();
        assertThat(t.test(bundle("anywhere", "com.example.hostile"))).isFalse();
        assertThat(t.test(bundle("anywhere", "ipc.examples"))).isFalse();
    }

    @Test
    void globsMatchInLinearTime() {
        assertThat(TrustedBundles.glob("a*b*c", "axxbyyc")).isTrue();
        assertThat(TrustedBundles.glob("a*b*c", "axxbyy")).isFalse();
        assertThat(TrustedBundles.glob("*", "")).isTrue();
        assertThat(TrustedBundles.glob("ab*ba", "aba")).isFalse();
        assertThat(TrustedBundles.glob("*a*a*a*a*a*a*a*a*b", "a".repeat(100_000))).isFalse();
    }

    @Test
    void aMalformedEntryIsRefusedNamingIt() {
        assertThatThrownBy(() -> TrustedBundles.parse("x;version=1")).isInstanceOf(IpcException.class)
                .hasMessageContaining("x;version=1").hasMessageContaining(TrustedBundles.PROPERTY);
        assertThatThrownBy(() -> TrustedBundles.parse(";name=ipc.net")).isInstanceOf(IpcException.class)
                .hasMessageContaining("no location");
    }
}
