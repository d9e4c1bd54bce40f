package io.sparkscore.runtime;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Seeded Keras layers with the configs Keras 3 writes for them (same keys, same value types, initializers and
 * regularizers included) and random weights in Keras' creation order and layout. Weights are drawn wider than Keras'
 * initializers so that every branch of an activation (both signs, saturation) is reached; batch-norm variances and
 * scales stay positive as trained ones are.
 *
 * <p>Layer names follow Keras' auto-naming ({@code dense}, {@code dense_1}, ...). Not thread-safe (one per model).
 */
final class KerasLayers {

    private final Random random;
    private final Map<String, Integer> used = new HashMap<>();

    KerasLayers(Random random) {
        this.random = random;
    }

    // ---- core -----------------------------------------------------------------------------------------------------

    LayerSpec dense(int in, int units, String activation) {
        return dense(in, units, activation, true);
    }

    LayerSpec dense(int in, int units, String activation, boolean useBias) {
        Map<String, Object> c = base();
        c.put("units", units);
        c.put("activation", activation);
        c.put("use_bias", useBias);
        kernelOptions(c, "kernel", "bias");
        c.put("lora_rank", null);
        Weights w = new Weights();
        w.put("kernel", glorot(in, units, in, units));
        if (useBias) {
            w.put("bias", uniform(0.5, units));
        }
        return layer("dense", "Dense", c, w);
    }

    LayerSpec activation(String activation) {
        Map<String, Object> c = base();
        c.put("activation", activation);
        return layer("activation", "Activation", c, new Weights());
    }

    LayerSpec dropout(double rate) {
        Map<String, Object> c = base();
        c.put("rate", rate);
        c.put("seed", null);
        c.put("noise_shape", null);
        return layer("dropout", "Dropout", c, new Weights());
    }

    LayerSpec spatialDropout(int rank, double rate) {
        Map<String, Object> c = base();
        c.put("rate", rate);
        c.put("seed", null);
        return layer("spatial_dropout" + rank + "d", "SpatialDropout" + rank + "D", c, new Weights());
    }

    LayerSpec gaussianNoise(double stddev) {
        Map<String, Object> c = base();
        c.put("stddev", stddev);
        c.put("seed", null);
        return layer("gaussian_noise", "GaussianNoise", c, new Weights());
    }

    LayerSpec gaussianDropout(double rate) {
        Map<String, Object> c = base();
        c.put("rate", rate);
        c.put("seed", null);
        return layer("gaussian_dropout", "GaussianDropout", c, new Weights());
    }

    LayerSpec alphaDropout(double rate) {
        Map<String, Object> c = base();
        c.put("rate", rate);
        c.put("seed", null);
        c.put("noise_shape", null);
        return layer("alpha_dropout", "AlphaDropout", c, new Weights());
    }

    LayerSpec flatten() {
        Map<String, Object> c = base();
        c.put("data_format", "channels_last");
        return layer("flatten", "Flatten", c, new Weights());
    }

    LayerSpec reshape(int... targetShape) {
        Map<String, Object> c = base();
        c.put("target_shape", ints(targetShape));
        return layer("reshape", "Reshape", c, new Weights());
    }

    LayerSpec permute(int... dims) {
        Map<String, Object> c = base();
        c.put("dims", ints(dims));
        return layer("permute", "Permute", c, new Weights());
    }

    LayerSpec repeatVector(int n) {
        Map<String, Object> c = base();
        c.put("n", n);
        return layer("repeat_vector", "RepeatVector", c, new Weights());
    }

    // ---- convolution ----------------------------------------------------------------------------------------------

    /** Conv1D/Conv2D: {@code kernel} has one entry per spatial axis. */
    LayerSpec conv(int in, int filters, int[] kernel, int[] strides, String padding, int[] dilation, int groups,
                   String activation, boolean useBias) {
        int rank = kernel.length;
        Map<String, Object> c = base();
        c.put("filters", filters);
        c.put("kernel_size", ints(kernel));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", ints(dilation));
        c.put("groups", groups);
        c.put("activation", activation);
        c.put("use_bias", useBias);
        kernelOptions(c, "kernel", "bias");
        Weights w = new Weights();
        int receptive = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        w.put("kernel", glorot(receptive * in / groups, receptive * filters, Shapes.concat(kernel, in / groups,
                filters)));
        if (useBias) {
            w.put("bias", uniform(0.5, filters));
        }
        return layer("conv" + rank + "d", "Conv" + rank + "D", c, w);
    }

    LayerSpec separableConv(int in, int filters, int[] kernel, int[] strides, String padding, int[] dilation,
                            int depthMultiplier, String activation, boolean useBias) {
        int rank = kernel.length;
        Map<String, Object> c = base();
        c.put("filters", filters);
        c.put("kernel_size", ints(kernel));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", ints(dilation));
        c.put("depth_multiplier", depthMultiplier);
        c.put("activation", activation);
        c.put("use_bias", useBias);
        kernelOptions(c, "depthwise", "pointwise", "bias");
        Weights w = new Weights();
        int receptive = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        w.put("depthwise_kernel", glorot(receptive, receptive * depthMultiplier,
                Shapes.concat(kernel, in, depthMultiplier)));
        w.put("pointwise_kernel", glorot(in * depthMultiplier, filters,
                Shapes.concat(ones, in * depthMultiplier, filters)));
        if (useBias) {
            w.put("bias", uniform(0.5, filters));
        }
        return layer("separable_conv" + rank + "d", "SeparableConv" + rank + "D", c, w);
    }

    /** DepthwiseConv1D or DepthwiseConv2D, by the number of kernel entries. */
    LayerSpec depthwiseConv(int in, int[] kernel, int[] strides, String padding, int[] dilation,
                            int depthMultiplier, String activation, boolean useBias) {
        Map<String, Object> c = base();
        c.put("kernel_size", ints(kernel));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", ints(dilation));
        c.put("depth_multiplier", depthMultiplier);
        c.put("activation", activation);
        c.put("use_bias", useBias);
        kernelOptions(c, "depthwise", "bias");
        Weights w = new Weights();
        int receptive = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        w.put("depthwise_kernel", glorot(receptive, receptive * depthMultiplier,
                Shapes.concat(kernel, in, depthMultiplier)));
        if (useBias) {
            w.put("bias", uniform(0.5, in * depthMultiplier));
        }
        return layer("depthwise_conv" + kernel.length + "d", "DepthwiseConv" + kernel.length + "D", c, w);
    }

    // ---- pooling, padding, resizing -------------------------------------------------------------------------------

    /** {@code kind} is "Max" or "Average"; one pool size entry per spatial axis. */
    LayerSpec pooling(String kind, int[] poolSize, int[] strides, String padding) {
        int rank = poolSize.length;
        Map<String, Object> c = base();
        c.put("pool_size", ints(poolSize));
        c.put("padding", padding);
        c.put("strides", strides == null ? null : ints(strides));
        c.put("data_format", "channels_last");
        String cls = kind + "Pooling" + rank + "D";
        return layer(snake(cls), cls, c, new Weights());
    }

    LayerSpec globalPooling(String kind, int rank, boolean keepDims) {
        Map<String, Object> c = base();
        c.put("data_format", "channels_last");
        c.put("keepdims", keepDims);
        String cls = "Global" + kind + "Pooling" + rank + "D";
        return layer(snake(cls), cls, c, new Weights());
    }

    /** ZeroPadding1D with [before, after]. */
    LayerSpec zeroPadding1D(int before, int after) {
        Map<String, Object> c = base();
        c.put("padding", ints(before, after));
        return layer("zero_padding1d", "ZeroPadding1D", c, new Weights());
    }

    /** ZeroPadding2D with [[top, bottom], [left, right]]. */
    LayerSpec zeroPadding2D(int top, int bottom, int left, int right) {
        Map<String, Object> c = base();
        c.put("padding", List.of(ints(top, bottom), ints(left, right)));
        c.put("data_format", "channels_last");
        return layer("zero_padding2d", "ZeroPadding2D", c, new Weights());
    }

    LayerSpec cropping1D(int before, int after) {
        Map<String, Object> c = base();
        c.put("cropping", ints(before, after));
        return layer("cropping1d", "Cropping1D", c, new Weights());
    }

    LayerSpec cropping2D(int top, int bottom, int left, int right) {
        Map<String, Object> c = base();
        c.put("cropping", List.of(ints(top, bottom), ints(left, right)));
        c.put("data_format", "channels_last");
        return layer("cropping2d", "Cropping2D", c, new Weights());
    }

    LayerSpec upSampling3D(int d, int h, int w) {
        Map<String, Object> c = base();
        c.put("size", ints(d, h, w));
        c.put("data_format", "channels_last");
        return layer("up_sampling3d", "UpSampling3D", c, new Weights());
    }

    /** ZeroPadding3D or Cropping3D with [[before, after] x 3]. */
    LayerSpec padOrCrop3D(String cls, int... amounts) {
        Map<String, Object> c = base();
        c.put(cls.startsWith("Zero") ? "padding" : "cropping", List.of(ints(amounts[0], amounts[1]),
                ints(amounts[2], amounts[3]), ints(amounts[4], amounts[5])));
        c.put("data_format", "channels_last");
        return layer(snake(cls), cls, c, new Weights());
    }

    /** Conv1DTranspose/Conv2DTranspose; the kernel is [k..., filters, in] as Keras stores it. */
    LayerSpec convTranspose(int in, int filters, int[] kernel, int[] strides, String padding, String activation) {
        int rank = kernel.length;
        Map<String, Object> c = base();
        c.put("filters", filters);
        c.put("kernel_size", ints(kernel));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("output_padding", null);
        c.put("data_format", "channels_last");
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        c.put("dilation_rate", ints(ones));
        c.put("activation", activation);
        c.put("use_bias", true);
        kernelOptions(c, "kernel", "bias");
        Weights w = new Weights();
        int receptive = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        w.put("kernel", glorot(receptive * in, receptive * filters, Shapes.concat(kernel, filters, in)));
        w.put("bias", uniform(0.5, filters));
        return layer("conv" + rank + "d_transpose", "Conv" + rank + "DTranspose", c, w);
    }

    /** A Dense layer with the given kernel [in, units] and bias, linear. */
    LayerSpec denseWith(float[] kernel, float[] bias) {
        Map<String, Object> c = base();
        c.put("units", bias.length);
        c.put("activation", "linear");
        c.put("use_bias", true);
        Weights w = new Weights();
        w.put("kernel", new Tensor("kernel", new int[] {kernel.length / bias.length, bias.length}, kernel));
        w.put("bias", new Tensor("bias", new int[] {bias.length}, bias));
        return layer("dense", "Dense", c, w);
    }

    /** The Conv2D computing slice {@code depth} of a Conv3D kernel [kd, kh, kw, in, out], with or without its bias. */
    static LayerSpec conv2DSlice(LayerSpec conv3d, int depth, boolean withBias, String name) {
        Tensor k = conv3d.weight("kernel");
        int[] shape = k.shape();
        int sliceSize = shape[1] * shape[2] * shape[3] * shape[4];
        float[] slice = Arrays.copyOfRange(k.data(), depth * sliceSize, (depth + 1) * sliceSize);
        Map<String, Object> c = new LinkedHashMap<>(conv3d.config().asMap());
        c.put("kernel_size", ints(shape[1], shape[2]));
        c.put("strides", ints(1, 1));
        c.put("dilation_rate", ints(1, 1));
        c.put("use_bias", withBias);
        if (!withBias) {
            c.put("activation", "linear");
        }
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("kernel", new Tensor("kernel", new int[] {shape[1], shape[2], shape[3], shape[4]}, slice));
        if (withBias) {
            w.put("bias", conv3d.weight("bias"));
        }
        return new LayerSpec(name, "Conv2D", new LayerConfig(name, "Conv2D", c), w);
    }

    LayerSpec upSampling1D(int size) {
        Map<String, Object> c = base();
        c.put("size", size);
        return layer("up_sampling1d", "UpSampling1D", c, new Weights());
    }

    LayerSpec upSampling2D(int rows, int cols, String interpolation) {
        Map<String, Object> c = base();
        c.put("size", ints(rows, cols));
        c.put("data_format", "channels_last");
        c.put("interpolation", interpolation);
        return layer("up_sampling2d", "UpSampling2D", c, new Weights());
    }

    // ---- normalization and embedding ------------------------------------------------------------------------------

    /** BatchNormalization over one axis of size {@code size}. */
    LayerSpec batchNormalization(int axis, int size, boolean center, boolean scale) {
        Map<String, Object> c = base();
        c.put("axis", axis);
        c.put("momentum", 0.99);
        c.put("epsilon", 0.001);
        c.put("center", center);
        c.put("scale", scale);
        c.put("beta_initializer", initializer("Zeros"));
        c.put("gamma_initializer", initializer("Ones"));
        c.put("moving_mean_initializer", initializer("Zeros"));
        c.put("moving_variance_initializer", initializer("Ones"));
        c.put("beta_regularizer", null);
        c.put("gamma_regularizer", null);
        c.put("beta_constraint", null);
        c.put("gamma_constraint", null);
        c.put("synchronized", false);
        Weights w = new Weights();
        if (scale) {
            w.put("gamma", between(0.5, 1.5, size));
        }
        if (center) {
            w.put("beta", uniform(0.5, size));
        }
        w.put("moving_mean", uniform(0.5, size));
        w.put("moving_variance", between(0.2, 2.0, size));
        return layer("batch_normalization", "BatchNormalization", c, w);
    }

    /** LayerNormalization over {@code axis} (an int or a list, as Keras writes it); weights have {@code paramShape}. */
    LayerSpec layerNormalization(Object axis, int[] paramShape, boolean center, boolean scale) {
        Map<String, Object> c = base();
        c.put("axis", axis);
        c.put("epsilon", 0.001);
        c.put("center", center);
        c.put("scale", scale);
        c.put("rms_scaling", false);
        c.put("beta_initializer", initializer("Zeros"));
        c.put("gamma_initializer", initializer("Ones"));
        c.put("beta_regularizer", null);
        c.put("gamma_regularizer", null);
        c.put("beta_constraint", null);
        c.put("gamma_constraint", null);
        Weights w = new Weights();
        if (scale) {
            w.put("gamma", between(0.5, 1.5, paramShape));
        }
        if (center) {
            w.put("beta", uniform(0.5, paramShape));
        }
        return layer("layer_normalization", "LayerNormalization", c, w);
    }

    LayerSpec rescaling(double scale, double offset) {
        Map<String, Object> c = base();
        c.put("scale", scale);
        c.put("offset", offset);
        return layer("rescaling", "Rescaling", c, new Weights());
    }

    /** An adapted Normalization over the last axis: mean, variance and count as Keras 3 stores them. */
    LayerSpec normalization(int channels, boolean invert) {
        Map<String, Object> c = base();
        c.put("axis", ints(-1));
        c.put("invert", invert);
        c.put("mean", null);
        c.put("variance", null);
        Weights w = new Weights();
        w.put("mean", uniform(2.0, channels));
        w.put("variance", between(0.1, 3.0, channels));
        w.put("count", new Tensor("count", new int[0], new float[] {100}));
        return layer("normalization", "Normalization", c, w);
    }

    LayerSpec identity() {
        return layer("identity", "Identity", base(), new Weights());
    }

    LayerSpec unitNormalization(int axis) {
        Map<String, Object> c = base();
        c.put("axis", ints(axis));
        return layer("unit_normalization", "UnitNormalization", c, new Weights());
    }

    /** GroupNormalization over the last axis of {@code channels} channels. */
    LayerSpec groupNormalization(int groups, int channels) {
        Map<String, Object> c = base();
        c.put("groups", groups);
        c.put("axis", -1);
        c.put("epsilon", 0.001);
        c.put("center", true);
        c.put("scale", true);
        Weights w = new Weights();
        w.put("gamma", between(0.5, 1.5, channels));
        w.put("beta", uniform(0.5, channels));
        return layer("group_normalization", "GroupNormalization", c, w);
    }

    /** A Dense layer computing {@code x * diagonal + bias} on the last axis, written as a diagonal kernel. */
    LayerSpec diagonalDense(float[] diagonal, float[] bias) {
        int n = diagonal.length;
        float[] kernel = new float[n * n];
        for (int i = 0; i < n; i++) {
            kernel[i * n + i] = diagonal[i];
        }
        Map<String, Object> c = base();
        c.put("units", n);
        c.put("activation", "linear");
        c.put("use_bias", true);
        Weights w = new Weights();
        w.put("kernel", new Tensor("kernel", new int[] {n, n}, kernel));
        w.put("bias", new Tensor("bias", new int[] {n}, bias.clone()));
        return layer("dense", "Dense", c, w);
    }

    LayerSpec masking(double maskValue) {
        Map<String, Object> c = base();
        c.put("mask_value", maskValue);
        return layer("masking", "Masking", c, new Weights());
    }

    /** The same Embedding with {@code mask_zero} set. */
    static LayerSpec withMaskZero(LayerSpec embedding, boolean maskZero) {
        return new LayerSpec(embedding.name(), embedding.className(), embedding.config().with("mask_zero", maskZero),
                embedding.weights(), embedding.children());
    }

    LayerSpec embedding(int inputDim, int outputDim) {
        Map<String, Object> c = base();
        c.put("input_dim", inputDim);
        c.put("output_dim", outputDim);
        c.put("embeddings_initializer", initializer("RandomUniform", "minval", -0.05, "maxval", 0.05, "seed", null));
        c.put("embeddings_regularizer", null);
        c.put("activity_regularizer", null);
        c.put("embeddings_constraint", null);
        c.put("mask_zero", false);
        c.put("lora_rank", null);
        Weights w = new Weights();
        w.put("embeddings", uniform(1.0, inputDim, outputDim));
        return layer("embedding", "Embedding", c, w);
    }

    // ---- recurrent ------------------------------------------------------------------------------------------------

    LayerSpec simpleRnn(int in, int units, String activation, boolean returnSequences, boolean goBackwards) {
        Map<String, Object> c = rnnBase(units, activation, null, returnSequences, goBackwards);
        Weights w = new Weights();
        w.put("kernel", glorot(in, units, in, units));
        w.put("recurrent_kernel", glorot(units, units, units, units));
        w.put("bias", uniform(0.5, units));
        return layer("simple_rnn", "SimpleRNN", c, w);
    }

    LayerSpec lstm(int in, int units, String activation, String recurrentActivation, boolean useBias,
                   boolean returnSequences, boolean goBackwards) {
        Map<String, Object> c = rnnBase(units, activation, recurrentActivation, returnSequences, goBackwards);
        c.put("use_bias", useBias);
        c.put("unit_forget_bias", true);
        Weights w = new Weights();
        w.put("kernel", glorot(in, 4 * units, in, 4 * units));
        w.put("recurrent_kernel", glorot(units, 4 * units, units, 4 * units));
        if (useBias) {
            w.put("bias", uniform(0.5, 4 * units));
        }
        return layer("lstm", "LSTM", c, w);
    }

    LayerSpec gru(int in, int units, String activation, String recurrentActivation, boolean resetAfter,
                  boolean returnSequences, boolean goBackwards) {
        Map<String, Object> c = rnnBase(units, activation, recurrentActivation, returnSequences, goBackwards);
        c.put("reset_after", resetAfter);
        Weights w = new Weights();
        w.put("kernel", glorot(in, 3 * units, in, 3 * units));
        w.put("recurrent_kernel", glorot(units, 3 * units, units, 3 * units));
        w.put("bias", resetAfter ? uniform(0.5, 2, 3 * units) : uniform(0.5, 3 * units));
        return layer("gru", "GRU", c, w);
    }

    private Map<String, Object> rnnBase(int units, String activation, String recurrentActivation,
                                        boolean returnSequences, boolean goBackwards) {
        Map<String, Object> c = base();
        c.put("return_sequences", returnSequences);
        c.put("return_state", false);
        c.put("go_backwards", goBackwards);
        c.put("stateful", false);
        c.put("unroll", false);
        c.put("zero_output_for_mask", false);
        c.put("units", units);
        c.put("activation", activation);
        if (recurrentActivation != null) {
            c.put("recurrent_activation", recurrentActivation);
        }
        c.put("use_bias", true);
        c.put("kernel_initializer", initializer("GlorotUniform", "seed", null));
        c.put("recurrent_initializer", initializer("Orthogonal", "gain", 1.0, "seed", null));
        c.put("bias_initializer", initializer("Zeros"));
        c.put("kernel_regularizer", null);
        c.put("recurrent_regularizer", null);
        c.put("bias_regularizer", null);
        c.put("activity_regularizer", null);
        c.put("kernel_constraint", null);
        c.put("recurrent_constraint", null);
        c.put("bias_constraint", null);
        c.put("dropout", 0.0);
        c.put("recurrent_dropout", 0.0);
        c.put("seed", null);
        return c;
    }

    /**
     * Bidirectional around two recurrent layers of one class, as Keras 3 serialises it: the backward layer has the
     * opposite {@code go_backwards} of the forward one and both are named after it.
     */
    LayerSpec bidirectional(String mergeMode, LayerSpec forward, LayerSpec backward) {
        Map<String, Object> c = base();
        c.put("merge_mode", mergeMode);
        LayerSpec f = renamed(forward, "forward_" + forward.name());
        LayerSpec b = renamed(backward, "backward_" + forward.name());
        String name = unique("bidirectional");
        return new LayerSpec(name, "Bidirectional", new LayerConfig(name, "Bidirectional", c), Map.of(),
                List.of(f, b));
    }

    LayerSpec timeDistributed(LayerSpec inner) {
        String name = unique("time_distributed");
        return new LayerSpec(name, "TimeDistributed", new LayerConfig(name, "TimeDistributed", base()), Map.of(),
                List.of(inner));
    }

    // ---- merges ---------------------------------------------------------------------------------------------------

    /** Add, Subtract, Multiply, Average, Maximum, Minimum. */
    LayerSpec merge(String cls) {
        return layer(snake(cls), cls, base(), new Weights());
    }

    LayerSpec concatenate(int axis) {
        Map<String, Object> c = base();
        c.put("axis", axis);
        return layer("concatenate", "Concatenate", c, new Weights());
    }

    /** Dot with {@code axes} as Keras writes it (an int or a two-int list). */
    LayerSpec dot(Object axes, boolean normalize) {
        Map<String, Object> c = base();
        c.put("axes", axes);
        c.put("normalize", normalize);
        return layer("dot", "Dot", c, new Weights());
    }

    // ---- activation layers ----------------------------------------------------------------------------------------

    LayerSpec leakyRelu(double negativeSlope) {
        Map<String, Object> c = base();
        c.put("negative_slope", negativeSlope);
        return layer("leaky_re_lu", "LeakyReLU", c, new Weights());
    }

    /** PReLU on an input of shape {@code inputShape}; {@code sharedAxes} are 1-based as in Keras (or null). */
    LayerSpec prelu(int[] inputShape, int[] sharedAxes) {
        Map<String, Object> c = base();
        c.put("alpha_initializer", initializer("Zeros"));
        c.put("alpha_regularizer", null);
        c.put("alpha_constraint", null);
        c.put("shared_axes", sharedAxes == null ? null : ints(sharedAxes));
        int[] alphaShape = inputShape.clone();
        if (sharedAxes != null) {
            for (int a : sharedAxes) {
                alphaShape[a - 1] = 1;
            }
        }
        Weights w = new Weights();
        w.put("alpha", between(-0.5, 0.8, alphaShape));
        return layer("p_re_lu", "PReLU", c, w);
    }

    LayerSpec thresholdedRelu(double theta) {
        Map<String, Object> c = base();
        c.put("theta", theta);
        return layer("thresholded_re_lu", "ThresholdedReLU", c, new Weights());
    }

    LayerSpec activityRegularization(double l1, double l2) {
        Map<String, Object> c = base();
        c.put("l1", l1);
        c.put("l2", l2);
        return layer("activity_regularization", "ActivityRegularization", c, new Weights());
    }

    LayerSpec elu(double alpha) {
        Map<String, Object> c = base();
        c.put("alpha", alpha);
        return layer("elu", "ELU", c, new Weights());
    }

    LayerSpec relu(Double maxValue, double negativeSlope, double threshold) {
        Map<String, Object> c = base();
        c.put("max_value", maxValue);
        c.put("negative_slope", negativeSlope);
        c.put("threshold", threshold);
        return layer("re_lu", "ReLU", c, new Weights());
    }

    /** Softmax over {@code axis}: an int or a list, as Keras writes it. */
    LayerSpec softmax(Object axis) {
        Map<String, Object> c = base();
        c.put("axis", axis);
        return layer("softmax", "Softmax", c, new Weights());
    }

    /**
     * The same layer with only the given config keys kept, as older Keras versions wrote it (or a hand-written config
     * would have it): every other option takes Keras' default.
     */
    static LayerSpec keeping(LayerSpec l, String... keys) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String k : keys) {
            if (l.config().asMap().containsKey(k)) {
                kept.put(k, l.config().asMap().get(k));
            }
        }
        return new LayerSpec(l.name(), l.className(), new LayerConfig(l.name(), l.className(), kept), l.weights(),
                l.children());
    }

    /** The same layer (name, weights) with {@code data_format} set, as a channels_first model would have it. */
    static LayerSpec withDataFormat(LayerSpec l, String dataFormat) {
        return new LayerSpec(l.name(), l.className(), l.config().with("data_format", dataFormat), l.weights(),
                l.children());
    }

    // ---- TensorFlow op layers ----------------------------------------------------------------------------------------

    /**
     * A tf.keras 2 TFOpLambda (or, for {@code __operators__.getitem}, SlicingOpLambda) of a TensorFlow function, named
     * as tf.keras names it ({@code tf.math.add}, {@code tf.math.add_1}); its arguments come with the call.
     */
    LayerSpec tfOp(String function) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trainable", true);
        c.put("dtype", "float32");
        c.put("function", function);
        String cls = function.equals("__operators__.getitem") ? "SlicingOpLambda" : "TFOpLambda";
        return layer("tf." + function, cls, c, new Weights());
    }

    /**
     * A Keras 3 operation ({@code numpy.Sum}, {@code nn.Relu}) with its constructor's options, named as Keras 3 names
     * it ({@code sum}, {@code sum_1}); its tensors and constants come with the call.
     */
    LayerSpec kerasOp(String operation, Object... options) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(io.sparkscore.model.layers.KerasOperations.OPERATION, operation);
        for (int i = 0; i < options.length; i += 2) {
            c.put((String) options[i], options[i + 1]);
        }
        String cls = operation.substring(operation.indexOf('.') + 1);
        String snake = cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        return layer(snake, io.sparkscore.model.layers.KerasOperations.CLASS, c, new Weights());
    }

    /** Keras 3's slice object in a GetItem index ({@code __slice__}). */
    static Map<String, Object> kerasSlice(Integer start, Integer stop, Integer step) {
        return Map.of("class_name", "__slice__", "config", slice(start, stop, step));
    }

    /** A tf.keras slice object as a slice spec holds it. */
    static Map<String, Object> slice(Integer start, Integer stop, Integer step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start);
        m.put("stop", stop);
        m.put("step", step);
        return m;
    }

    // ---- convolutional recurrent -------------------------------------------------------------------------------------

    /** ConvLSTM1D/2D as Keras 3 writes it, on {@code inChannels} channels; kernels (k..., in, 4f) and (k..., f, 4f). */
    LayerSpec convLstm(int rank, int inChannels, int filters, int[] kernel, int[] strides, String padding,
                       int[] dilation, String recurrentActivation, boolean returnSequences, boolean goBackwards) {
        Map<String, Object> c = base();
        c.put("filters", filters);
        c.put("kernel_size", ints(kernel));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", ints(dilation));
        c.put("activation", "tanh");
        c.put("recurrent_activation", recurrentActivation);
        c.put("use_bias", true);
        kernelOptions(c, "kernel", "recurrent", "bias");
        c.put("unit_forget_bias", true);
        c.put("dropout", 0.0);
        c.put("recurrent_dropout", 0.0);
        c.put("seed", null);
        c.put("return_sequences", returnSequences);
        c.put("return_state", false);
        c.put("go_backwards", goBackwards);
        c.put("stateful", false);
        int window = Math.toIntExact(Shapes.size(kernel));
        int[] k = Arrays.copyOf(kernel, rank + 2);
        k[rank] = inChannels;
        k[rank + 1] = 4 * filters;
        int[] rk = k.clone();
        rk[rank] = filters;
        Weights w = new Weights();
        w.put("kernel", glorot(window * inChannels, 4 * filters, k));
        w.put("recurrent_kernel", glorot(window * filters, 4 * filters, rk));
        w.put("bias", uniform(0.5, 4 * filters));
        return layer("conv_lstm" + rank + "d", "ConvLSTM" + rank + "D", c, w);
    }

    // ---- einsum and attention ---------------------------------------------------------------------------------------

    /**
     * EinsumDense as Keras 3 writes it; the kernel and bias shapes are given (they follow from the equation and the
     * input, as Keras' build derives them).
     */
    LayerSpec einsumDense(String equation, List<Object> outputShape, String biasAxes, String activation,
                          int[] kernelShape, int[] biasShape) {
        Map<String, Object> c = base();
        c.put("equation", equation);
        c.put("output_shape", outputShape);
        c.put("activation", activation);
        c.put("bias_axes", biasAxes);
        kernelOptions(c, "kernel", "bias");
        c.put("lora_rank", null);
        Weights w = new Weights();
        int fan = Math.toIntExact(Shapes.size(kernelShape));
        w.put("kernel", glorot(kernelShape[0], fan / kernelShape[0], kernelShape));
        if (biasAxes != null) {
            w.put("bias", uniform(0.5, biasShape));
        }
        return layer("einsum_dense", "EinsumDense", c, w);
    }

    /** Attention (Luong) as Keras 3 writes it; {@code scale} and {@code concat_score_weight} drawn as trained. */
    LayerSpec attention(boolean useScale, String scoreMode) {
        Map<String, Object> c = base();
        c.put("use_scale", useScale);
        c.put("score_mode", scoreMode);
        c.put("dropout", 0.0);
        c.put("seed", null);
        Weights w = new Weights();
        if (useScale) {
            w.put("scale", between(0.5, 1.5));
        }
        if (scoreMode.equals("concat")) {
            w.put("concat_score_weight", between(0.5, 1.5));
        }
        return layer("attention", "Attention", c, w);
    }

    /** AdditiveAttention (Bahdanau) over features of size {@code dim}. */
    LayerSpec additiveAttention(int dim, boolean useScale) {
        Map<String, Object> c = base();
        c.put("use_scale", useScale);
        c.put("dropout", 0.0);
        Weights w = new Weights();
        if (useScale) {
            w.put("scale", uniform(1.0, dim));
        }
        return layer("additive_attention", "AdditiveAttention", c, w);
    }

    /**
     * MultiHeadAttention as Keras 3 writes it, for a query with last dimension {@code queryDim} and value/key with
     * {@code valueIn}/{@code keyIn}; {@code outputShape} null projects back to {@code queryDim}.
     */
    LayerSpec multiHeadAttention(int heads, int keyDim, Integer valueDim, int queryDim, int valueIn, int keyIn,
                                 int[] outputShape, int[] attentionAxes, boolean useBias) {
        Map<String, Object> c = base();
        int vd = valueDim == null ? keyDim : valueDim;
        c.put("num_heads", heads);
        c.put("key_dim", keyDim);
        c.put("value_dim", vd);
        c.put("dropout", 0.0);
        c.put("use_bias", useBias);
        c.put("output_shape", outputShape == null ? null : ints(outputShape));
        c.put("attention_axes", attentionAxes == null ? null : ints(attentionAxes));
        c.put("kernel_initializer", initializer("GlorotUniform", "seed", null));
        c.put("bias_initializer", initializer("Zeros"));
        c.put("kernel_regularizer", null);
        c.put("bias_regularizer", null);
        c.put("activity_regularizer", null);
        c.put("kernel_constraint", null);
        c.put("bias_constraint", null);
        c.put("seed", null);
        int[] out = outputShape == null ? new int[] {queryDim} : outputShape;
        Weights w = new Weights();
        int[][] kernels = {{queryDim, heads, keyDim}, {keyIn, heads, keyDim}, {valueIn, heads, vd}};
        String[] names = {"query", "key", "value"};
        for (int i = 0; i < 3; i++) {
            w.put(names[i] + "/kernel", glorot(kernels[i][0], heads * kernels[i][2], kernels[i]));
            if (useBias) {
                w.put(names[i] + "/bias", uniform(0.5, heads, kernels[i][2]));
            }
        }
        int[] outKernel = new int[2 + out.length];
        outKernel[0] = heads;
        outKernel[1] = vd;
        System.arraycopy(out, 0, outKernel, 2, out.length);
        w.put("attention_output/kernel", glorot(heads * vd, Math.toIntExact(Shapes.size(out)), outKernel));
        if (useBias) {
            w.put("attention_output/bias", uniform(0.5, out));
        }
        return layer("multi_head_attention", "MultiHeadAttention", c, w);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Weights in Keras' creation order (the spec hash, and so the round trip, depends on it). */
    private static final class Weights extends LinkedHashMap<String, Tensor> {
    }

    private LayerSpec layer(String baseName, String cls, Map<String, Object> config, Weights weights) {
        String name = unique(baseName);
        Map<String, Tensor> named = new LinkedHashMap<>();
        weights.forEach((k, t) -> named.put(k, new Tensor(k, t.shape(), t.data())));
        return new LayerSpec(name, cls, new LayerConfig(name, cls, config), named);
    }

    private static LayerSpec renamed(LayerSpec l, String name) {
        return new LayerSpec(name, l.className(), new LayerConfig(name, l.className(), l.config().asMap()),
                l.weights(), l.children());
    }

    private String unique(String base) {
        int k = used.merge(base, 1, Integer::sum) - 1;
        return k == 0 ? base : base + "_" + k;
    }

    private static Map<String, Object> base() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trainable", true);
        c.put("dtype", "float32");
        return c;
    }

    private static void kernelOptions(Map<String, Object> c, String... prefixes) {
        for (String p : prefixes) {
            c.put(p + "_initializer", p.equals("bias") ? initializer("Zeros") : initializer("GlorotUniform",
                    "seed", null));
        }
        for (String p : prefixes) {
            c.put(p + "_regularizer", null);
        }
        c.put("activity_regularizer", null);
        for (String p : prefixes) {
            c.put(p + "_constraint", null);
        }
    }

    /** A Keras 3 initializer object as the reader normalises it (module and registered name dropped). */
    private static Map<String, Object> initializer(String cls, Object... keyValues) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", cls);
        m.put("config", config);
        return m;
    }

    static List<Object> ints(int... values) {
        List<Object> l = new ArrayList<>();
        for (int v : values) {
            l.add(v);
        }
        return l;
    }

    private static String snake(String cls) {
        return cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Glorot-uniform range, doubled so activations leave their linear region. */
    private Tensor glorot(int fanIn, int fanOut, int... shape) {
        return uniform(2 * Math.sqrt(6.0 / (fanIn + fanOut)), shape);
    }

    private Tensor uniform(double limit, int... shape) {
        return between(-limit, limit, shape);
    }

    private Tensor between(double low, double high, int... shape) {
        float[] data = new float[Math.toIntExact(Shapes.size(shape))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (low + random.nextDouble() * (high - low));
        }
        return new Tensor("w", shape, data);
    }
}
