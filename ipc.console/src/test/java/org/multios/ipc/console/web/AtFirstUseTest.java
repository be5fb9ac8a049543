package org.multios.ipc.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** A reference's service is got at its first use, once per binding. */
class AtFirstUseTest {
    /** Service objects as SCR binds them, counting the gets. */
    private static final class Objects implements ComponentServiceObjects<String> {
        final AtomicInteger gets = new AtomicInteger();
        final String service;

        Objects(String service) {
            this.service = service;
        }

        @Override
        public String getService() {
            gets.incrementAndGet();
            return service;
        }

        @Override
        public void ungetService(String s) {
        }

        @Override
        public ServiceReference<String> getServiceReference() {
            return null;
        }
    }

    private volatile ComponentServiceObjects<String> bound;

    @Test
    void theServiceIsGotAtTheFirstUseAndKeptWhileTheBindingLasts() {
        Objects first = new Objects("first");
        bound = first;
        AtFirstUse<String> s = new AtFirstUse<>(() -> bound);
        assertThat(first.gets).as("binding gets nothing").hasValue(0);

        assertThat(s.get()).isEqualTo("first");
        assertThat(s.get()).isEqualTo("first");
        assertThat(first.gets).as("got once").hasValue(1);

        bound = null;
        assertThat(s.get()).as("unbound").isNull();

        Objects second = new Objects("second");
        bound = second;
        assertThat(s.get()).as("a new binding's service").isEqualTo("second");
        assertThat(second.gets).hasValue(1);
        assertThat(first.gets).hasValue(1);
    }

    @Test
    void aBindingThatGivesNothingIsAskedAgain() {
        Objects none = new Objects(null);
        bound = none;
        AtFirstUse<String> s = new AtFirstUse<>(() -> bound);
        assertThat(s.get()).isNull();
        assertThat(s.get()).isNull();
        assertThat(none.gets).hasValue(2);
    }
}
