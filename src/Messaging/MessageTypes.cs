using System.Reflection;
using System.Runtime.Serialization;

namespace ActorGraph.Messaging;

// The closed registry of wire types: concrete IActorGraphMessage types of loaded ActorGraph.*
// assemblies, named by their short type name. A manifest never resolves to any other CLR type.
public static class MessageTypes
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Scanned = [];
    private static volatile Dictionary<string, Type> _byManifest = new(StringComparer.Ordinal);
    private static volatile Dictionary<Type, string> _byType = [];

    public static string ManifestOf(Type type)
    {
        if (_byType.TryGetValue(type, out var manifest)) return manifest;
        lock (Gate)
        {
            Scan();
            if (_byType.TryGetValue(type, out manifest)) return manifest;
        }
        throw new SerializationException($"{type.FullName} is not an ActorGraph message: only concrete IActorGraphMessage types of ActorGraph.* assemblies cross the wire.");
    }

    public static Type TypeOf(string manifest)
    {
        if (_byManifest.TryGetValue(manifest, out var type)) return type;
        // An assembly may have loaded since the last scan (a worker's messages arrive before its code runs here).
        lock (Gate)
        {
            Scan();
            if (_byManifest.TryGetValue(manifest, out type)) return type;
        }
        throw new SerializationException($"Unknown message manifest '{Truncate(manifest)}': not an ActorGraph message type.");
    }

    public static IReadOnlyCollection<Type> All
    {
        get
        {
            lock (Gate) Scan();
            return _byType.Keys;
        }
    }

    // Loads an assembly's messages even before anything from it is sent (e.g. a node that only receives).
    public static void Register(Assembly assembly)
    {
        lock (Gate) Add([assembly]);
    }

    private static void Scan() =>
        Add(AppDomain.CurrentDomain.GetAssemblies().Where(a => IsOurs(a) && !Scanned.Contains(a)).ToList());

    private static void Add(IReadOnlyList<Assembly> assemblies)
    {
        if (assemblies.Count == 0) return;
        // Copy-on-write so readers outside the lock never see a dictionary being changed.
        var byManifest = new Dictionary<string, Type>(_byManifest, StringComparer.Ordinal);
        var byType = new Dictionary<Type, string>(_byType);
        // Our assemblies' references too: a message may arrive before its assembly's code has run here.
        var pending = new Queue<Assembly>(assemblies);
        while (pending.TryDequeue(out var assembly))
        {
            if (!ScanAssembly(assembly, byManifest, byType)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
                if (IsOurs(reference) && TryLoad(reference) is { } referenced) pending.Enqueue(referenced);
        }
        _byType = byType;
        _byManifest = byManifest;
    }

    private static bool ScanAssembly(Assembly assembly, Dictionary<string, Type> byManifest, Dictionary<Type, string> byType)
    {
        if (!Scanned.Add(assembly)) return false;
        foreach (var type in LoadableTypes(assembly))
        {
            if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters || !typeof(IActorGraphMessage).IsAssignableFrom(type)) continue;
            if (byManifest.TryGetValue(type.Name, out var other) && other != type)
                throw new InvalidOperationException($"Message types {other.FullName} and {type.FullName} share the manifest '{type.Name}'; rename one.");
            byManifest[type.Name] = type;
            byType[type] = type.Name;
        }
        return true;
    }

    private static bool IsOurs(Assembly assembly) => !assembly.IsDynamic && IsOurs(assembly.GetName());

    private static bool IsOurs(AssemblyName name) => name.Name?.StartsWith("ActorGraph.", StringComparison.Ordinal) == true;

    private static Assembly? TryLoad(AssemblyName name)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
