package io.sparkscore.model.keras;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KerasNamingTest {

    @ParameterizedTest
    @CsvSource({"Dense,dense", "Conv2D,conv2d", "SeparableConv1D,separable_conv1d", "LSTM,lstm",
            "SimpleRNN,simple_rnn", "BatchNormalization,batch_normalization", "LeakyReLU,leaky_re_lu",
            "PReLU,p_re_lu", "GlobalAveragePooling2D,global_average_pooling2d", "ZeroPadding1D,zero_padding1d",
            "UpSampling2D,up_sampling2d", "ELU,elu", "Functional,functional", "DepthwiseConv2D,depthwise_conv2d"})
    void weightPathSegmentIsTheClassNameInKerasSnakeCase(String className, String expected) {
        assertThat(KerasNaming.toSnakeCase(className)).isEqualTo(expected);
    }
}
