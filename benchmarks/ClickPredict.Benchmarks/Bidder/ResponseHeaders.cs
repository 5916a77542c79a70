using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>Response headers for <see cref="InProcessHttp"/>: a dictionary, with <c>Content-Length</c> kept as a number (as Kestrel keeps it).</summary>
internal sealed class ResponseHeaders : IHeaderDictionary
{
    private readonly Dictionary<string, StringValues> _headers = new(StringComparer.OrdinalIgnoreCase);

    public long? ContentLength { get; set; }

    public int Count => _headers.Count + (ContentLength is null ? 0 : 1);

    public bool IsReadOnly => false;

    public ICollection<string> Keys => _headers.Keys;

    public ICollection<StringValues> Values => _headers.Values;

    public StringValues this[string key]
    {
        get => _headers.TryGetValue(key, out var value) ? value : StringValues.Empty;
        set => _headers[key] = value;
    }

    StringValues IDictionary<string, StringValues>.this[string key]
    {
        get => _headers[key];
        set => _headers[key] = value;
    }

    public void Add(string key, StringValues value) => _headers.Add(key, value);

    public void Add(KeyValuePair<string, StringValues> item) => _headers.Add(item.Key, item.Value);

    public void Clear()
    {
        _headers.Clear();
        ContentLength = null;
    }

    public bool Contains(KeyValuePair<string, StringValues> item) => _headers.TryGetValue(item.Key, out var value) && value.Equals(item.Value);

    public bool ContainsKey(string key) => _headers.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, StringValues>>)_headers).CopyTo(array, arrayIndex);

    public bool Remove(string key) => _headers.Remove(key);

    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && _headers.Remove(item.Key);

    public bool TryGetValue(string key, out StringValues value) => _headers.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
