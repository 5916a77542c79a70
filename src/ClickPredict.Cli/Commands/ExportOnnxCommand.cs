using System.CommandLine;
using System.Globalization;
using ClickPredict.Core.Model;
using ClickPredict.Learning.Onnx;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict export-onnx</c>: writes a model file as an ONNX graph (int64 hashed indices in,
/// calibrated pCTR out), then loads it back through ONNX Runtime to check that it serves.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file", Required = true };
        var output = new Option<string>("--out") { Description = "ONNX file to write", Required = true };
        var command = new Command("export-onnx", "Export a model file as an ONNX model") { model, output };
        command.SetAction(parsed => Run(context, parsed.GetValue(model)!, parsed.GetValue(output)!));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string outputPath)
    {
        var model = ModelFile.Load(modelPath);
        OnnxExporter.Export(model, outputPath);
        using var scorer = OnnxScorer.Load(outputPath);
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {outputPath} ({new FileInfo(outputPath).Length:N0} bytes): {model.Info.Label}, input '{OnnxExporter.InputName}' int64[batch, {scorer.FeatureCount}], output '{OnnxExporter.OutputName}' double[batch], feature spec {model.Spec.Name} {model.Spec.FingerprintHex}"));
        return CliApp.Ok;
    }
}
