import { XMLParser } from 'fast-xml-parser';

/**
 * How the Domain Name API simulator reads a request, the way WCF's DataContractSerializer does: an element is known
 * by its namespace URI and local name, whatever prefix the sender chose, and a data member in another namespace than
 * its contract's is silently ignored (providers/domain-name-api.md, revision 2). Kept apart from the provider
 * client's reader on purpose: the simulator must not share the client's mistakes.
 */
export interface WcfElement {
  ns: string | null;
  name: string;
  children: WcfElement[];
  text: string;
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // As WCF reads XML: character references (`&#252;`) are decoded (fast-xml-parser does so only with this option).
  htmlEntities: true,
});

/** The document element of well-formed XML, namespaces resolved. */
export function readWcfDocument(xml: string): WcfElement | null {
  const root = (parser.parse(xml) as Node[]).find((node) => tagOf(node) && !tagOf(node)!.startsWith('?'));
  return root ? resolve(root, new Map()) : null;
}

/** The child with this namespace and local name. */
export function wcfChild(element: WcfElement | null | undefined, ns: string | null, name: string): WcfElement | undefined {
  return element?.children.find((child) => child.ns === ns && child.name === name);
}

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text');
}

function resolve(node: Node, inherited: Map<string, string>): WcfElement {
  const tag = tagOf(node)!;
  const scope = new Map(inherited);
  for (const [attribute, value] of Object.entries(node[':@'] ?? {})) {
    if (attribute === 'xmlns') scope.set('', value);
    else if (attribute.startsWith('xmlns:')) scope.set(attribute.slice(6), value);
  }
  const [prefix, local] = tag.includes(':') ? [tag.slice(0, tag.indexOf(':')), tag.slice(tag.indexOf(':') + 1)] : ['', tag];
  const content = (node[tag] as Node[] | undefined) ?? [];
  return {
    ns: scope.get(prefix) ?? (prefix ? `undeclared:${prefix}` : null),
    name: local,
    children: content.filter((child) => tagOf(child)).map((child) => resolve(child, scope)),
    text: content.filter((child) => '#text' in child).map((child) => String(child['#text'])).join(''),
  };
}
