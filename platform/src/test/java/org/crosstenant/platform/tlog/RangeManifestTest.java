package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class RangeManifestTest {

    private static RangeManifest manifest() {
        RangeManifest.ShownLeaves shown = new RangeManifest.ShownLeaves();
        shown.add(0);
        shown.add(4);
        return new RangeManifest("crosstenant.example/audit", "contoso", 1, 7, 9, new byte[32], shown.count(), shown.hash());
    }

    @Test
    void itsTextReadsBackAndIsNoCheckpoint() {
        RangeManifest manifest = manifest();
        RangeManifest read = RangeManifest.parse(manifest.text());
        assertEquals(manifest.text(), read.text());
        assertEquals(2, read.shown());
        assertArrayEquals(manifest.shownHash(), read.shownHash());
        // a witness or checkpoint reader must never take it for a checkpoint
        assertThrows(RuntimeException.class, () -> Checkpoint.parse(manifest.text()));
    }

    @Test
    void theShownHashDependsOnWhichLeavesAndTheirOrder() {
        RangeManifest.ShownLeaves a = new RangeManifest.ShownLeaves();
        a.add(0);
        a.add(4);
        RangeManifest.ShownLeaves b = new RangeManifest.ShownLeaves();
        b.add(4);
        b.add(0);
        RangeManifest.ShownLeaves c = new RangeManifest.ShownLeaves();
        c.add(0);
        c.add(5);
        byte[] hashA = a.hash();
        assertFalse(Arrays.equals(hashA, b.hash()));
        assertFalse(Arrays.equals(hashA, c.hash()));
    }

    @Test
    void anythingButTheExactFormIsRefused() {
        String text = manifest().text();
        for (String bad : new String[] { "", text.replace("\n", "\r\n"), text.replace("range 1 7", "range 01 7"),
                text.replace("range 1 7", "range 1 8 "), text + "extra\n", text.replace("subject contoso", "subject con toso"),
                text.replace("range 1 7", "range 8 7"), text.replace("shown 2", "shown 99"),
                text.replace("range 1 7", "range \u0661 7") }) {
            assertThrows(IllegalArgumentException.class, () -> RangeManifest.parse(bad), bad);
        }
    }
}
