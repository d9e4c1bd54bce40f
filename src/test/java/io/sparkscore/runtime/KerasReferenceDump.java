package io.sparkscore.runtime;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes seeded models of the layers and options both paths gained with the jvm path's own implementations, each
 * with random input rows and both paths' outputs, for {@code scripts/keras-reference-check.sh} to compare with Keras
 * itself: {@code <dir>/<case>/model.keras}, {@code in<i>.f32}, {@code out_<path>.f32} (little-endian float32) and
 * {@code <dir>/manifest.json} with the shapes (or a path's refusal). Not a test: a developer tool run by that script.
 */
public final class KerasReferenceDump {
    private static final int ROWS = 6;
    private static final Map<String, Function<RandomNet, ModelSpec>> MODELS = new LinkedHashMap<>();

    private KerasReferenceDump() {
    }

    private static int[] s(int... v) {
        return v;
    }

    private static void add(String name, Function<RandomNet, ModelSpec> recipe) {
        MODELS.put(name, recipe);
    }

    static {
        add("conv1dT_k3_s2_valid", n ->
                n.build(n.call(n.layers().convTranspose(3, 2, s(3), s(2), "valid", "linear"), n.input("x", 5, 3))));
        add("conv1dT_k3_s2_same", n ->
                n.build(n.call(n.layers().convTranspose(3, 2, s(3), s(2), "same", "linear"), n.input("x", 5, 3))));
        add("conv1dT_k4_s2_same", n ->
                n.build(n.call(n.layers().convTranspose(3, 2, s(4), s(2), "same", "tanh"), n.input("x", 5, 3))));
        add("conv1dT_k4_s3_same_op1", n ->
                n.build(n.call(op(n.layers().convTranspose(3, 2, s(4), s(3), "same", "linear"), 1), n.input("x", 5,
                3))));
        add("conv1dT_k3_s2_valid_op1", n ->
                n.build(n.call(op(n.layers().convTranspose(3, 2, s(3), s(2), "valid", "linear"), 1), n.input("x", 5,
                3))));
        add("conv2dT_32_s21_same", n ->
                n.build(n.call(n.layers().convTranspose(2, 3, s(3, 2), s(2, 1), "same", "linear"), n.input("x", 3, 4,
                2))));
        add("conv2dT_22_s22_valid", n ->
                n.build(n.call(n.layers().convTranspose(2, 3, s(2, 2), s(2, 2), "valid", "relu"), n.input("x", 3, 4,
                2))));
        add("conv3dT_223_s212_same", n ->
                n.build(n.call(n.layers().convTranspose(2, 2, s(2, 2, 3), s(2, 1, 2), "same", "linear"), n.input("x",
                2, 3, 2, 2))));
        add("conv3d_232_s122_same", n ->
                n.build(n.call(n.layers().conv(2, 3, s(2, 3, 2), s(1, 2, 2), "same", s(1, 1, 1), 1, "linear", true),
                n.input("x", 4, 5, 4, 2))));
        add("conv3d_222_d121_valid", n ->
                n.build(n.call(n.layers().conv(2, 3, s(2, 2, 2), s(1, 1, 1), "valid", s(1, 2, 1), 1, "linear", true),
                n.input("x", 4, 5, 4, 2))));
        add("maxpool3d_222", n ->
                n.build(n.call(n.layers().pooling("Max", s(2, 2, 2), null, "valid"), n.input("x", 4, 5, 4, 2))));
        add("avgpool3d_232_s122_same", n ->
                n.build(n.call(n.layers().pooling("Average", s(2, 3, 2), s(1, 2, 2), "same"), n.input("x", 4, 5, 4,
                2))));
        add("gap3d", n -> n.build(n.call(n.layers().globalPooling("Average", 3, false), n.input("x", 3, 2, 4, 3))));
        add("gmp3d_keepdims", n -> n.build(n.call(n.layers().globalPooling("Max", 3, true), n.input("x", 3, 2, 4, 3))));
        add("zeropad3d", n ->
                n.build(n.call(n.layers().padOrCrop3D("ZeroPadding3D", 1, 0, 0, 2, 1, 1), n.input("x", 2, 3, 2, 2))));
        add("crop3d", n ->
                n.build(n.call(n.layers().padOrCrop3D("Cropping3D", 0, 1, 1, 1, 2, 0), n.input("x", 3, 4, 4, 2))));
        add("upsample3d", n -> n.build(n.call(n.layers().upSampling3D(2, 1, 3), n.input("x", 2, 3, 2, 2))));
        add("groupnorm2", n -> n.build(n.call(n.layers().groupNormalization(2, 4), n.input("x", 3, 2, 4))));
        add("groupnorm3_seq", n -> n.build(n.call(n.layers().groupNormalization(3, 6), n.input("x", 5, 6))));
        add("unitnorm_axis1", n -> n.build(n.call(n.layers().unitNormalization(1), n.input("x", 4, 3))));
        add("normalization", n -> n.build(n.call(n.layers().normalization(3, false), n.input("x", 4, 3))));
        add("normalization_invert", n -> n.build(n.call(n.layers().normalization(3, true), n.input("x", 4, 3))));
        add("rescaling", n -> n.build(n.call(n.layers().rescaling(1 / 255.0, -0.5), n.input("x", 3, 4, 2))));
        add("cf_conv2d_same_s2", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().conv(3, 4, s(2, 2), s(2, 2), "same", s(1, 1), 1,
                "relu", true), "channels_first"), n.input("x", 3, 7, 6))));
        add("cf_conv1d_causal", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().conv(3, 2, s(3), s(1), "causal", s(2), 1, "tanh",
                true), "channels_first"), n.input("x", 3, 9))));
        add("cf_maxpool2d_same", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().pooling("Max", s(2, 2), null, "same"),
                "channels_first"), n.input("x", 3, 7, 6))));
        add("cf_conv2dT", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().convTranspose(3, 2, s(3, 2), s(2, 1), "same",
                "linear"), "channels_first"), n.input("x", 3, 7, 6))));
        add("cf_flatten", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().flatten(), "channels_first"), n.input("x", 3, 2,
                4))));
        add("cf_upsample2d_bilinear", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().upSampling2D(2, 2, "bilinear"), "channels_first"),
                n.input("x", 3, 4, 5))));
        add("cf_gap2d", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().globalPooling("Average", 2, false),
                "channels_first"), n.input("x", 3, 4, 5))));
        add("mask_lstm_seq_gru", n -> n.build(n.chain(masked(n, "x", 7, 2),
                n.layers().lstm(2, 3, "tanh", "sigmoid", true, true, false),
                n.layers().gru(3, 2, "tanh", "sigmoid", true, false, false))));
        add("mask_lstm_seq_out", n -> n.build(n.chain(masked(n, "x", 7, 2),
                n.layers().lstm(2, 3, "tanh", "sigmoid", true, true, false))));
        add("mask_simplernn_back_seq", n -> n.build(n.chain(masked(n, "x", 7, 2),
                n.layers().simpleRnn(2, 3, "tanh", true, true))));
        add("mask_bidi_lstm_seq", n -> n.build(n.chain(masked(n, "x", 7, 2),
                n.layers().bidirectional("concat", n.layers().lstm(2, 3, "tanh", "sigmoid", true, true, false),
                        n.layers().lstm(2, 3, "tanh", "sigmoid", true, true, true)))));
        add("mask_bidi_gru_last_sum", n -> n.build(n.chain(masked(n, "x", 7, 2),
                n.layers().bidirectional("sum", n.layers().gru(2, 3, "tanh", "sigmoid", true, false, false),
                        n.layers().gru(2, 3, "tanh", "sigmoid", true, false, true)))));
        add("mask_dense_gap1d", n -> n.build(n.chain(masked(n, "x", 7, 2), n.layers().dense(2, 3, "tanh"),
                n.layers().globalPooling("Average", 1, false))));
        add("embed_maskzero_gru", n -> n.build(n.chain(n.input("ids", 6),
                KerasLayers.withMaskZero(n.layers().embedding(3, 3), true),
                n.layers().gru(3, 2, "tanh", "sigmoid", true, true, false))));
        // not named "concatenate": Keras 3.15 cannot load a masked Concatenate of that name (its compute_mask's op
        // takes the same name)
        add("mask_concat_both_gru", n -> n.build(n.chain(n.call(named(n.layers().concatenate(-1), "concat_steps"),
                masked(n, "a", 6, 2),
                masked(n, "b", 6, 1)), n.layers().gru(3, 2, "tanh", "sigmoid", true, false, false))));
        add("embed_bidi_gap1d", n -> n.build(n.chain(n.input("ids", 6),
                KerasLayers.withMaskZero(n.layers().embedding(3, 3), true), n.layers().dense(3, 3, "tanh"),
                n.layers().bidirectional("sum", n.layers().gru(3, 2, "tanh", "sigmoid", true, true, false),
                        n.layers().gru(3, 2, "tanh", "sigmoid", true, true, true)),
                n.layers().globalPooling("Average", 1, false))));
        add("two_masks_add_lstm", n -> n.build(n.chain(n.call(n.layers().merge("Add"), masked(n, "a", 6, 2),
                masked(n, "b", 6, 2)), n.layers().lstm(2, 3, "tanh", "sigmoid", true, true, false))));
        add("cf_conv3d", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().conv(2, 3, s(2, 2, 2), s(1, 1, 1), "same", s(1, 1,
                1), 1, "linear", true), "channels_first"), n.input("x", 2, 3, 4, 3))));
        add("cf_zeropad2d", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().zeroPadding2D(1, 0, 2, 1), "channels_first"),
                n.input("x", 3, 4, 5))));
        add("cf_crop2d", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().cropping2D(1, 2, 0, 1), "channels_first"),
                n.input("x", 3, 5, 5))));
        add("cf_avgpool3d", n ->
                n.build(n.call(KerasLayers.withDataFormat(n.layers().pooling("Average", s(2, 2, 2), null, "same"),
                "channels_first"), n.input("x", 2, 3, 4, 3))));
        add("groupnorm_image", n -> n.build(n.call(n.layers().groupNormalization(2, 6), n.input("x", 3, 4, 6))));
        attentionAndConvLstm();
        kerasOperations();
        masksIntoAttentionAndMaxPooling();
    }

    /** Keras masks (ReLU then Masking(0)) into the attention layers and GlobalMaxPooling1D (i16o). */
    private static void masksIntoAttentionAndMaxPooling() {
        add("mask_attention_self", n -> {
            String x = masked(n, "x", 6, 3);
            return n.build(n.call(n.layers().attention(true, "dot"), x, x));
        });
        add("mask_attention_causal_key", n -> n.build(n.callWith(CAUSAL, n.layers().attention(false, "dot"),
                masked(n, "q", 5, 2), masked(n, "v", 6, 3), n.input("k", 6, 2))));
        add("mask_additive_attention", n -> n.build(n.call(n.layers().additiveAttention(3, true),
                masked(n, "q", 5, 3), masked(n, "v", 6, 3))));
        add("mask_mha_value", n -> n.build(n.call(n.layers().multiHeadAttention(2, 3, null, 3, 2, 2, null, null,
                true), n.input("q", 4, 3), masked(n, "v", 6, 2))));
        add("mask_mha_causal_value_key", n -> n.build(n.callWith(CAUSAL, n.layers().multiHeadAttention(2, 2, null, 3,
                2, 3, null, null, true), n.input("q", 6, 3), masked(n, "v", 6, 2), masked(n, "k", 6, 3))));
        add("mask_mha_self", n -> {
            String x = masked(n, "x", 6, 3);
            return n.build(n.call(n.layers().multiHeadAttention(2, 3, null, 3, 3, 3, null, null, true), x, x));
        });
        // the Dense makes the masked steps tanh(bias), which a mask-honouring maximum would leave out
        add("mask_dense_gmp1d", n -> n.build(n.chain(masked(n, "x", 6, 2), n.layers().dense(2, 3, "tanh"),
                n.layers().globalPooling("Max", 1, false))));
    }

    private static String op(RandomNet n, String operation, Map<String, Object> callArgs, Object[] options,
                             String... tensors) {
        return n.callWith(callArgs, n.layers().kerasOp(operation, options), tensors);
    }

    private static Object[] o(Object... options) {
        return options;
    }

    private static Map<String, Object> slice(Integer start, Integer stop, Integer step) {
        return KerasLayers.kerasSlice(start, stop, step);
    }

    /** Keras 3 operations on Keras tensors, in Keras 3's own spelling (i16o). */
    private static void kerasOperations() {
        Map<String, Object> none = Map.of();
        add("ops_arithmetic_constants", n -> {
            String d = n.call(n.layers().dense(6, 6, "linear"), n.input("x", 6));
            String oneMinus = op(n, "numpy.Subtract", Map.of("x", 1.0), o(), d);
            String twice = op(n, "numpy.Multiply", Map.of("y", 2), o(), oneMinus);
            String shifted = op(n, "numpy.Add", Map.of("y", 3.0), o(), d);
            return n.build(op(n, "numpy.TrueDivide", none, o(), twice, shifted));
        });
        add("ops_reshape_sum_keepdims", n -> n.build(op(n, "numpy.Sum", none, o("axis", 1, "keepdims", true),
                op(n, "numpy.Reshape", none, o("newshape", List.of(-1, 2, 3)), n.input("x", 6)))));
        add("ops_getitem_ellipsis_step", n -> n.build(op(n, "numpy.GetItem", Map.of("key", List.of(slice(null,
                null, null), Map.of("class_name", "__ellipsis__", "config", Map.of()), slice(null, null, 2))), o(),
                n.input("x", 4, 5))));
        add("ops_getitem_index_negative", n -> n.build(op(n, "numpy.GetItem", Map.of("key", List.of(slice(null,
                null, null), -1, slice(1, -1, null))), o(), n.input("x", 4, 5))));
        add("ops_transpose_matmul", n -> {
            String x = n.input("x", 3, 4);
            String t = op(n, "numpy.Transpose", none, o("axes", List.of(0, 2, 1)), x);
            return n.build(op(n, "numpy.Matmul", none, o(), x, t));
        });
        add("ops_concat_expand_max_squeeze", n -> {
            String e = op(n, "numpy.ExpandDims", none, o("axis", -1), n.input("x", 6));
            String c = op(n, "numpy.Concatenate", none, o("axis", -1), e, op(n, "numpy.Negative", none, o(), e));
            String m = op(n, "numpy.Max", none, o("axis", List.of(-1), "keepdims", true, "initial", null), c);
            return n.build(op(n, "numpy.Squeeze", none, o("axis", List.of(2)), m));
        });
        add("ops_unary_chain", n -> {
            String t = op(n, "numpy.Absolute", none, o(), n.input("x", 6));
            t = op(n, "numpy.Log", none, o(), op(n, "numpy.Add", Map.of("y", 1.0), o(), t));
            t = op(n, "numpy.Tanh", none, o(), op(n, "numpy.Exp", none, o(), op(n, "numpy.Sqrt", none, o(), t)));
            t = op(n, "nn.Sigmoid", none, o(), op(n, "numpy.Square", none, o(), op(n, "numpy.Negative", none, o(),
                    t)));
            return n.build(op(n, "nn.Relu", none, o(), op(n, "math.Rsqrt", none, o(), t)));
        });
        add("ops_clip_max_min_power", n -> {
            String d = n.call(n.layers().dense(6, 5, "linear"), n.input("x", 6));
            String c = op(n, "numpy.Clip", none, o("x_min", -0.3, "x_max", 0.4), d);
            String m = op(n, "numpy.Minimum", Map.of("y", 0.2), o(), op(n, "numpy.Maximum", none, o(), c, d));
            return n.build(op(n, "numpy.Power", Map.of("x", 2.0), o(), m));
        });
        add("ops_compare_where", n -> {
            String d = n.call(n.layers().dense(6, 6, "linear"), n.input("x", 6));
            String positive = op(n, "numpy.Greater", Map.of("y", 0), o(), d);
            String small = op(n, "numpy.LessEqual", Map.of("x", 0.3), o(), d);
            String both = op(n, "numpy.Multiply", none, o(), positive, small);
            String picked = op(n, "numpy.Where", none, o(), both, d, op(n, "numpy.Negative", none, o(), d));
            return n.build(op(n, "numpy.Where", Map.of("y", 0.5), o(), op(n, "numpy.NotEqual", none, o(), picked,
                    d), picked));
        });
        add("ops_softmax_mean", n -> n.build(op(n, "numpy.Mean", none, o("axis", List.of(-1), "keepdims", false),
                op(n, "nn.Softmax", none, o("axis", 1), n.input("x", 3, 4)))));
        add("ops_broadcast_cast", n -> {
            String x = n.input("x", 3, 4);
            String mean = op(n, "numpy.Mean", none, o("axis", 1, "keepdims", true), x);
            String centred = op(n, "numpy.Subtract", none, o(), x, mean);
            return n.build(op(n, "numpy.Multiply", Map.of("y", -1.5), o(), op(n, "core.Cast", none, o("dtype",
                    "float32"), centred)));
        });
    }

    private static final Map<String, Object> CAUSAL = Map.of("use_causal_mask", true);

    /** The layers i16a added: EinsumDense, the attention layers (with call arguments) and ConvLSTM. */
    private static void attentionAndConvLstm() {
        add("einsum_abc_cd", n -> n.build(n.call(n.layers().einsumDense("abc,cd->abd", KerasLayers.ints(4, 5), "d",
                "tanh", s(3, 5), s(5)), n.input("x", 4, 3))));
        add("einsum_heads", n -> n.build(n.call(n.layers().einsumDense("ab,bcd->acd", KerasLayers.ints(2, 3), "cd",
                "linear", s(4, 2, 3), s(2, 3)), n.input("x", 4))));
        add("einsum_transposing", n -> n.build(n.call(n.layers().einsumDense("abc,bd->adc", KerasLayers.ints(2, 3),
                "d", "linear", s(4, 2), s(2, 1)), n.input("x", 4, 3))));
        add("attention_concat_scaled", n -> {
            String x = n.input("x", 5, 3);
            return n.build(n.call(n.layers().attention(true, "concat"), x, x));
        });
        add("attention_causal_key", n -> n.build(n.callWith(CAUSAL, n.layers().attention(true, "dot"),
                n.input("q", 4, 3), n.input("v", 6, 2), n.input("k", 6, 3))));
        add("additive_attention_scaled", n -> n.build(n.call(n.layers().additiveAttention(4, true),
                n.input("q", 3, 4), n.input("v", 5, 4))));
        add("mha_self", n -> {
            String x = n.input("x", 5, 4);
            return n.build(n.call(n.layers().multiHeadAttention(2, 3, null, 4, 4, 4, null, null, true), x, x));
        });
        add("mha_cross_value_dim", n -> n.build(n.call(n.layers().multiHeadAttention(3, 2, 2, 4, 2, 5, null, null,
                true), n.input("q", 3, 4), n.input("v", 6, 2), n.input("k", 6, 5))));
        add("mha_causal_output_shape", n -> {
            String x = n.input("x", 4, 2);
            return n.build(n.callWith(CAUSAL, n.layers().multiHeadAttention(2, 2, null, 2, 2, 2, s(3), null, false),
                    x, x));
        });
        add("mha_grid_axes", n -> {
            String x = n.input("x", 3, 4, 2);
            return n.build(n.call(n.layers().multiHeadAttention(2, 2, null, 2, 2, 2, null, s(1, 2), true), x, x));
        });
        add("convlstm1d_same_seq", n -> n.build(n.call(n.layers().convLstm(1, 2, 3, s(3), s(1), "same", s(1),
                "sigmoid", true, false), n.input("x", 4, 6, 2))));
        add("convlstm1d_valid_backwards", n -> n.build(n.call(n.layers().convLstm(1, 3, 2, s(2), s(2), "valid",
                s(1), "sigmoid", false, true), n.input("x", 3, 7, 3))));
        add("convlstm2d_valid_strides", n -> n.build(n.call(n.layers().convLstm(2, 1, 3, s(3, 2), s(2, 1),
                "valid", s(1, 1), "sigmoid", false, false), n.input("x", 4, 5, 4, 1))));
        add("convlstm1d_channels_first_seq", n -> n.build(n.call(KerasLayers.withDataFormat(n.layers().convLstm(1,
                2, 3, s(3), s(1), "same", s(1), "sigmoid", true, false), "channels_first"), n.input("x", 4, 2, 6))));
        add("convlstm2d_channels_first_strides", n -> n.build(n.call(KerasLayers.withDataFormat(n.layers().convLstm(2,
                3, 2, s(2, 3), s(2, 1), "valid", s(1, 1), "sigmoid", false, true), "channels_first"),
                n.input("x", 3, 3, 5, 4))));
        add("convlstm3d_same_seq", n -> n.build(n.call(n.layers().convLstm(3, 2, 2, s(2, 2, 3), s(1, 1, 1), "same",
                s(1, 1, 1), "sigmoid", true, false), n.input("x", 3, 3, 4, 4, 2))));
        add("convlstm3d_valid_strides_backwards", n -> n.build(n.call(n.layers().convLstm(3, 1, 3, s(2, 3, 2),
                s(1, 2, 1), "valid", s(1, 1, 1), "sigmoid", false, true), n.input("x", 3, 4, 5, 3, 1))));
    }

    /** A ReLU then Masking(0) on a new input: the steps whose features are all <= 0 are masked. */
    private static String masked(RandomNet n, String input, int steps, int features) {
        return n.chain(n.input(input, steps, features), n.layers().activation("relu"), n.layers().masking(0.0));
    }

    private static LayerSpec named(LayerSpec l, String name) {
        return new LayerSpec(name, l.className(), new LayerConfig(name, l.className(), l.config().with("name", name)
                .asMap()), l.weights(), l.children());
    }

    private static LayerSpec op(LayerSpec l, int outputPadding) {
        return new LayerSpec(l.name(), l.className(), l.config().with("output_padding",
                KerasLayers.ints(outputPadding)), l.weights(), l.children());
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        StringBuilder manifest = new StringBuilder("[\n");
        boolean first = true;
        for (var e : VariableLengthReferenceCases.CASES.entrySet()) {
            manifest.append(first ? "" : ",\n").append(VariableLengthReferenceCases.dump(e.getKey(), e.getValue(),
                    root));
            first = false;
        }
        for (var e : MODELS.entrySet()) {
            String name = e.getKey();
            ModelSpec spec = e.getValue().apply(new RandomNet(name, 5));
            Path dir = root.resolve(name);
            Files.createDirectories(dir);
            KerasArchiveWriter.write(spec, dir.resolve("model.keras"));
            List<String> entries = new ArrayList<>();
            ParityRuns.Batch inputs = null;
            for (PredictionPath path : PredictionPath.values()) {
                try (LoadedModel m = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
                    if (inputs == null) {
                        inputs = ParityRuns.randomInputs(spec, m.signature(), ROWS, 42);
                        for (int i = 0; i < inputs.arrays().length; i++) {
                            write(dir.resolve("in" + i + ".f32"), inputs.arrays()[i]);
                            entries.add("\"in" + i + "\": " + shape(m.signature().inputShapes().get(i)));
                        }
                    }
                    float[][] out = ParityRuns.predict(m, inputs, ROWS);
                    write(dir.resolve("out_" + path.id() + ".f32"), out[0]);
                    entries.add("\"out_" + path.id() + "\": " + shape(m.signature().outputShapes().get(0)));
                } catch (RuntimeException ex) {
                    entries.add("\"refused_" + path.id() + "\": \"" + ex.getMessage().replace("\"", "'") + "\"");
                }
            }
            manifest.append(first ? "" : ",\n").append("{\"name\": \"").append(name).append("\", ")
                    .append(String.join(", ", entries)).append("}");
            first = false;
        }
        manifest.append("\n]\n");
        Files.writeString(root.resolve("manifest.json"), manifest.toString());
    }

    private static String shape(int[] s) {
        return java.util.Arrays.toString(s);
    }

    private static void write(Path p, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Files.write(p, b.array());
    }
}
