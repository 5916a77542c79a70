namespace ClickPredict.Trainer.Joining;

/// <summary>What became of one input event (the <c>outcome</c> tag of <c>clickpredict.trainer.joiner.events</c>).</summary>
internal enum JoinResult
{
    /// <summary>Joined into pending state.</summary>
    Accepted,

    /// <summary>A second copy of an event already joined, or an event for a bid already emitted: dropped.</summary>
    Duplicate,

    /// <summary>A win notice for a bid that had already timed out as lost: counted, dropped.</summary>
    LateImpression,

    /// <summary>A click for a bid whose attribution window had closed: counted, dropped.</summary>
    ClickAfterWindow,

    /// <summary>A click for a bid that timed out without a win notice: counted, dropped.</summary>
    ClickWithoutImpression,

    /// <summary>The bytes or the key did not decode: counted, dropped.</summary>
    Malformed,
}
