package org.cxr.datamart;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class DataMartOptionsTest
{
    @Test
    void defaultsAreAnEightyTwentySplit()
    {
        DataMartOptions options = DataMartOptions.defaults();

        assertThat(options.trainRatio()).isEqualTo(0.8);
    }

    @Test
    void refusesWhatCannotMakeAConsistentDataset()
    {
        DataMartOptions options = DataMartOptions.defaults();

        assertThatThrownBy(() -> options.withTrainRatio(1.2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withTrainRatio(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withPageSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withParallelDownloads(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
