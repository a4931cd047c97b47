using Sharpgres.Types.Containers;

namespace Sharpgres.Types;

/// <summary>
/// The container types every connection knows: an array codec for every built-in array type and the built-in
/// ranges and multiranges, each generic over its element codec (looked up at read time, so element codecs added
/// anywhere in the registry chain just work). Writers for .NET collections, ranges, enums and string dictionaries
/// are made on demand (<see cref="ContainerWriters"/>).
/// </summary>
internal static partial class BuiltinCodecs
{
    private static void RegisterContainers(TypeRegistry r)
    {
        foreach (var (element, array, name) in ContainerOids.Arrays)
        {
            r.RememberArray(element, array);
            r.Register(new ArrayCodec(array, element, name + "[]", r), forParameters: false);
        }
        foreach (var (range, subtype, multirange, name, multirangeName) in ContainerOids.Ranges)
        {
            r.RememberRange(subtype, range);
            r.RememberMultirange(range, multirange);
            r.Register(new RangeCodec(range, subtype, name, r, RangeFamily.Range), forParameters: false);
            r.Register(new RangeCodec(multirange, subtype, multirangeName, r, RangeFamily.Multirange), forParameters: false);
        }
    }

    private static PgCodec? CreateContainerWriter(Type type, TypeRegistry registry) => ContainerWriters.TryCreate(type, registry);
}
