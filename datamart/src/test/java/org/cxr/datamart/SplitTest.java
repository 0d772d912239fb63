package org.cxr.datamart;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class SplitTest
{
    private static String hashStartingWith(String prefix)
    {
        return prefix + "0".repeat(64 - prefix.length());
    }

    @Test
    void theFirstEightHexDigitsAsAFractionOfTwoToThe32DecideTheSplit()
    {
        // 0.8 * 2^32 = 3435973836.8 = 0xcccccccc.cc
        assertThat(Split.of(hashStartingWith("cccccccc"), 0.8)).isEqualTo(Split.TRAIN);
        assertThat(Split.of(hashStartingWith("cccccccd"), 0.8)).isEqualTo(Split.VALIDATION);
        assertThat(Split.of(hashStartingWith("00000000"), 0.8)).isEqualTo(Split.TRAIN);
        assertThat(Split.of(hashStartingWith("ffffffff"), 0.8)).isEqualTo(Split.VALIDATION);
        // Only the first eight digits count.
        assertThat(Split.of("cccccccd" + "f".repeat(56), 0.8)).isEqualTo(Split.VALIDATION);
    }

    @Test
    void ratiosZeroAndOnePutEverythingInOneSplit()
    {
        assertThat(Split.of(hashStartingWith("00000000"), 0)).isEqualTo(Split.VALIDATION);
        assertThat(Split.of(hashStartingWith("ffffffff"), 1)).isEqualTo(Split.TRAIN);
    }

    @Test
    void namesTheAnnotationFiles()
    {
        assertThat(Split.TRAIN.fileStem()).isEqualTo("train");
        assertThat(Split.VALIDATION.fileStem()).isEqualTo("val");
    }

    @Test
    void onlyASha256HasASplit()
    {
        assertThatThrownBy(() -> Split.of("../" + "0".repeat(61), 0.8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Split.of(hashStartingWith("ABCDEF"), 0.8)).isInstanceOf(IllegalArgumentException.class);
    }
}
