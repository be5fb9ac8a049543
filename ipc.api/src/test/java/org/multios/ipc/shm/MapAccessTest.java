package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.Rights;

class MapAccessTest {

    @Test
    void readOnlyNeedsReadRight() {
        assertThat(MapAccess.READ_ONLY.requiredRights()).isEqualTo(Rights.READ);
        assertThat(MapAccess.READ_ONLY.isWritable()).isFalse();
    }

    @Test
    void readWriteNeedsBothRights() {
        assertThat(MapAccess.READ_WRITE.requiredRights()).isEqualTo(Rights.READ_WRITE);
        assertThat(MapAccess.READ_WRITE.isWritable()).isTrue();
        assertThat(Rights.includes(Rights.READ, MapAccess.READ_WRITE.requiredRights())).isFalse();
    }
}
