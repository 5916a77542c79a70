namespace ClickPredict.Core.Data;

/// <summary>The example file formats ClickPredict reads.</summary>
public enum DataFormat
{
    /// <summary>Criteo Kaggle <c>train.txt</c>: label, 13 integer and 26 categorical columns, tab-separated.</summary>
    Criteo,

    /// <summary>Avazu Kaggle <c>train.csv</c>, with its header.</summary>
    Avazu,

    /// <summary>iPinYou impression logs: the decoded TSV with a header, or raw season-3 rows.</summary>
    IPinYou,

    /// <summary>ClickPredict's own labelled examples (MessagePack), as <c>export-examples</c> or the simulator write them.</summary>
    Events,
}
