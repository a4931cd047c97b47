using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Array writers for the built-in element types, made by plain generic code so NativeAOT compiles them ahead of
/// time (a <c>MakeGenericType</c> over a value type has no native code there). Other element types are made by
/// reflection where the runtime can generate code, and are refused with a clear error under NativeAOT.
/// </summary>
internal static class KnownArrayWriters
{
    private delegate PgCodec Make(Type clrType, int depth, TypeRegistry registry);

    private static readonly Dictionary<Type, Make> Known = new()
    {
        [typeof(short)] = static (t, d, r) => new ArrayWriter<short>(t, d, r),
        [typeof(int)] = static (t, d, r) => new ArrayWriter<int>(t, d, r),
        [typeof(long)] = static (t, d, r) => new ArrayWriter<long>(t, d, r),
        [typeof(uint)] = static (t, d, r) => new ArrayWriter<uint>(t, d, r),
        [typeof(float)] = static (t, d, r) => new ArrayWriter<float>(t, d, r),
        [typeof(double)] = static (t, d, r) => new ArrayWriter<double>(t, d, r),
        [typeof(decimal)] = static (t, d, r) => new ArrayWriter<decimal>(t, d, r),
        [typeof(PgNumeric)] = static (t, d, r) => new ArrayWriter<PgNumeric>(t, d, r),
        [typeof(bool)] = static (t, d, r) => new ArrayWriter<bool>(t, d, r),
        [typeof(char)] = static (t, d, r) => new ArrayWriter<char>(t, d, r),
        [typeof(Guid)] = static (t, d, r) => new ArrayWriter<Guid>(t, d, r),
        [typeof(DateOnly)] = static (t, d, r) => new ArrayWriter<DateOnly>(t, d, r),
        [typeof(TimeOnly)] = static (t, d, r) => new ArrayWriter<TimeOnly>(t, d, r),
        [typeof(DateTime)] = static (t, d, r) => new ArrayWriter<DateTime>(t, d, r),
        [typeof(DateTimeOffset)] = static (t, d, r) => new ArrayWriter<DateTimeOffset>(t, d, r),
        [typeof(TimeSpan)] = static (t, d, r) => new ArrayWriter<TimeSpan>(t, d, r),
        [typeof(PgInterval)] = static (t, d, r) => new ArrayWriter<PgInterval>(t, d, r),
        [typeof(JsonElement)] = static (t, d, r) => new ArrayWriter<JsonElement>(t, d, r),
        [typeof(string)] = static (t, d, r) => new ArrayWriter<string>(t, d, r),
        [typeof(byte[])] = static (t, d, r) => new ArrayWriter<byte[]>(t, d, r),
        [typeof(IPAddress)] = static (t, d, r) => new ArrayWriter<IPAddress>(t, d, r),
        [typeof(PhysicalAddress)] = static (t, d, r) => new ArrayWriter<PhysicalAddress>(t, d, r),
        [typeof(object)] = static (t, d, r) => new ArrayWriter<object>(t, d, r),
    };

    /// <summary>The writer of <paramref name="clrType"/>, a collection of <paramref name="depth"/> levels around <paramref name="leaf"/>.</summary>
    public static PgCodec Create(Type leaf, Type clrType, int depth, TypeRegistry registry)
    {
        if (Known.TryGetValue(leaf, out var make)) return make(clrType, depth, registry);
        if (RuntimeFeature.IsDynamicCodeSupported)
            return (PgCodec)Activator.CreateInstance(typeof(ArrayWriter<>).MakeGenericType(leaf), clrType, depth, registry)!;
        throw new NotSupportedException(
            $"arrays of {leaf.Name} need code generated at run time, which NativeAOT doesn't have: send them as an array of a built-in " +
            "element type (int[], long[], string[], Guid[], DateTime[] ...) or as object[]");
    }
}
