/**
 * ONNX import and export for jvk's MLPs: {@link dev.jvk.nn.onnx.OnnxModel}.
 *
 * <p>The protobuf wire format is read and written here by hand ({@code ProtoReader},
 * {@code ProtoWriter}), for the nine ONNX messages a feed-forward graph uses, rather than through
 * {@code protobuf-java} and generated ONNX classes. Three reasons: {@code jvk-nn} depends on nothing
 * but the kernels, and protobuf-java plus a classes artifact would be two more jars (and a version
 * pin against the user's own protobuf) for ~300 lines of varints and lengths; generated parsers copy
 * every {@code raw_data} into a {@code ByteString} before a float is decoded, where this reader maps
 * the file and decodes each weight once into its layer; and a reader written for hostile input checks
 * each claimed length against the bytes left in its enclosing message, bounds nesting, and checks a
 * tensor's element count against the bytes that carry it (and the heap) before it allocates, so no
 * file can make it allocate what the file does not back. Field numbers are ONNX's public
 * {@code onnx.proto3}; a round trip through ONNX Runtime in {@code bench}'s tests checks the writer
 * against the reference implementation.
 */
package dev.jvk.nn.onnx;
