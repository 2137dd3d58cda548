package org.crosstenant.stack.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void neverHandsOutTheSamePortTwice() {
        // a broker's client and controller listeners come from two calls in a row: equal ports fail its config
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            ports.add(FreePorts.pick());
        }
        assertEquals(500, ports.size());
    }
}
