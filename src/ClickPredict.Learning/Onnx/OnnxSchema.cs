namespace ClickPredict.Learning.Onnx;

/// <summary>
/// Field numbers and enum values of the ONNX protobuf messages we write, from the ONNX IR
/// specification (<c>onnx.proto</c>): only the fields a logistic-regression graph needs.
/// </summary>
internal static class OnnxSchema
{
    /// <summary>IR version 8 goes with opset 17 (ONNX 1.12).</summary>
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    public static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5, DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    public static class OperatorSetId
    {
        public const int Domain = 1, Version = 2;
    }

    public static class StringStringEntry
    {
        public const int Key = 1, Value = 2;
    }

    public static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, DocString = 10, Input = 11, Output = 12;
    }

    public static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5;
    }

    public static class AttributeProto
    {
        public const int Name = 1, I = 3, Type = 20;

        /// <summary><c>AttributeProto.AttributeType.INT</c>.</summary>
        public const int TypeInt = 2;
    }

    public static class Tensor
    {
        public const int Dims = 1, DataType = 2, Name = 8, RawData = 9;
    }

    /// <summary><c>TensorProto.DataType</c>.</summary>
    public static class DataType
    {
        public const int Float = 1, Int64 = 7, Double = 11;
    }

    public static class ValueInfo
    {
        public const int Name = 1, Type = 2;
    }

    public static class Type
    {
        public const int TensorType = 1;
    }

    public static class TensorType
    {
        public const int ElemType = 1, Shape = 2;
    }

    public static class Shape
    {
        public const int Dim = 1;
    }

    public static class Dimension
    {
        public const int DimValue = 1, DimParam = 2;
    }
}
