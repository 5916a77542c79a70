namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// What the next value of a bid request is, in terms both wire formats share: the reader checks a
/// field's type against this once, for JSON and MessagePack alike.
/// </summary>
internal enum OpenRtbToken : byte
{
    /// <summary>No value a bid request can hold (a byte MessagePack leaves undefined, say).</summary>
    Invalid,
    Null,
    Boolean,

    /// <summary>Any number: JSON's one kind, MessagePack's integers and floats.</summary>
    Number,
    String,
    Object,
    Array,

    /// <summary>MessagePack <c>bin</c>: never a valid OpenRTB value.</summary>
    Binary,

    /// <summary>MessagePack <c>ext</c>: never a valid OpenRTB value.</summary>
    Extension,
}
