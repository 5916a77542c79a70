using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace ClickPredict.Kafka.Native;

/// <summary>
/// The few librdkafka entry points Confluent.Kafka does not wrap: a bare <c>rd_kafka_t</c> and the mock
/// cluster API (rdkafka_mock.h, experimental and outside librdkafka's ABI promise, so pinned to the
/// librdkafka.redist version in Directory.Packages.props).
/// </summary>
/// <remarks>
/// The exports are taken from the very library image Confluent.Kafka binds to. Confluent probes
/// <c>librdkafka</c> and then <c>centos8-librdkafka</c> (on Debian the plain build needs
/// libsasl2.so.3 and fails to load, the centos8 build is self-contained) through the runtime's
/// native-asset resolution for its own assembly. We make Confluent load first, then ask the runtime the
/// same question on Confluent's behalf: <c>dlopen</c> of an already mapped file returns the same
/// handle, so both sides share one copy of librdkafka and its global state.
/// </remarks>
internal static unsafe class Librdkafka
{
    public const int ProducerType = 0;
    public const int ConfOk = 0;

    private static readonly Lazy<Exports> s_exports = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Full path or name of the loaded library, for diagnostics.</summary>
    public static string LoadedFrom => s_exports.Value.Source;

    public static Exports Api => s_exports.Value;

    internal sealed class Exports
    {
        public required string Source { get; init; }
        public required delegate* unmanaged[Cdecl]<nint> ConfNew { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int> ConfSet { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, void> ConfDestroy { get; init; }
        public required delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint> New { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, void> Destroy { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, int, nint> MockClusterNew { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, void> MockClusterDestroy { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, byte*> MockClusterBootstraps { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, byte*, int, int, int> MockTopicCreate { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, int, int> MockBrokerSetDown { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, int, int> MockBrokerSetUp { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void> MockPushRequestErrorsArray { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, short, void> MockClearRequestErrors { get; init; }
        public required delegate* unmanaged[Cdecl]<nint, int, void> MockGroupInitialRebalanceDelayMs { get; init; }
    }

    /// <summary>Sets one property on a native conf object, throwing with librdkafka's own message on failure.</summary>
    public static void ConfSet(nint conf, string name, string value)
    {
        var errors = stackalloc byte[512];
        fixed (byte* n = NullTerminated(name))
        fixed (byte* v = NullTerminated(value))
        {
            if (Api.ConfSet(conf, n, v, errors, 512) != ConfOk)
            {
                throw new InvalidOperationException($"librdkafka refused {name}={value}: {Marshal.PtrToStringUTF8((nint)errors)}");
            }
        }
    }

    public static byte[] NullTerminated(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    private static Exports Bind()
    {
        // Make Confluent.Kafka pick and bind its native library first; this also checks the version.
        _ = Library.Version;
        var (handle, source) = LoadSameLibraryAsConfluent();
        return new Exports
        {
            Source = source,
            ConfNew = (delegate* unmanaged[Cdecl]<nint>)Export(handle, "rd_kafka_conf_new"),
            ConfSet = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int>)Export(handle, "rd_kafka_conf_set"),
            ConfDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export(handle, "rd_kafka_conf_destroy"),
            New = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)Export(handle, "rd_kafka_new"),
            Destroy = (delegate* unmanaged[Cdecl]<nint, void>)Export(handle, "rd_kafka_destroy"),
            MockClusterNew = (delegate* unmanaged[Cdecl]<nint, int, nint>)Export(handle, "rd_kafka_mock_cluster_new"),
            MockClusterDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export(handle, "rd_kafka_mock_cluster_destroy"),
            MockClusterBootstraps = (delegate* unmanaged[Cdecl]<nint, byte*>)Export(handle, "rd_kafka_mock_cluster_bootstraps"),
            MockTopicCreate = (delegate* unmanaged[Cdecl]<nint, byte*, int, int, int>)Export(handle, "rd_kafka_mock_topic_create"),
            MockBrokerSetDown = (delegate* unmanaged[Cdecl]<nint, int, int>)Export(handle, "rd_kafka_mock_broker_set_down"),
            MockBrokerSetUp = (delegate* unmanaged[Cdecl]<nint, int, int>)Export(handle, "rd_kafka_mock_broker_set_up"),
            // The va-arg rd_kafka_mock_push_request_errors cannot be called portably from managed code; the array form can.
            MockPushRequestErrorsArray = (delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void>)Export(handle, "rd_kafka_mock_push_request_errors_array"),
            MockClearRequestErrors = (delegate* unmanaged[Cdecl]<nint, short, void>)Export(handle, "rd_kafka_mock_clear_request_errors"),
            MockGroupInitialRebalanceDelayMs = (delegate* unmanaged[Cdecl]<nint, int, void>)Export(handle, "rd_kafka_mock_group_initial_rebalance_delay_ms"),
        };
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"librdkafka has no export {name}; the mock cluster API needs librdkafka.redist 2.16.0.");

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Probing candidates; the last failure is reported.")]
    private static (nint Handle, string Source) LoadSameLibraryAsConfluent()
    {
        var confluent = typeof(Library).Assembly;
        foreach (var name in CandidateNames())
        {
            // Resolve on Confluent's behalf so the runtime walks the same native-asset paths it walked for Confluent.
            if (NativeLibrary.TryLoad(name, confluent, searchPath: null, out var handle)
                && NativeLibrary.TryGetExport(handle, "rd_kafka_version", out _))
            {
                return (handle, name);
            }
        }

        // A host that loaded librdkafka from an explicit path (Library.Load) has it mapped already under its soname.
        if (NativeLibrary.TryLoad("librdkafka.so.1", out var loaded))
        {
            return (loaded, "librdkafka.so.1");
        }

        throw new DllNotFoundException(
            $"Could not load the librdkafka that Confluent.Kafka {confluent.GetName().Version} uses (tried {string.Join(", ", CandidateNames())}).");
    }

    private static IEnumerable<string> CandidateNames()
    {
        if (OperatingSystem.IsLinux())
        {
            if (IsAlpine())
            {
                yield return "alpine-librdkafka";
                yield break;
            }

            // Confluent's order on glibc Linux: the build with SASL/GSSAPI linkage, then the self-contained one.
            yield return "librdkafka";
            yield return "centos8-librdkafka";
            yield break;
        }

        yield return "librdkafka";
    }

    private static bool IsAlpine()
    {
        try
        {
            return File.Exists("/etc/os-release")
                && File.ReadLines("/etc/os-release").Any(l => l.Trim().Equals("ID=alpine", StringComparison.OrdinalIgnoreCase));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
