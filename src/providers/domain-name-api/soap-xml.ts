import { XMLParser } from 'fast-xml-parser';

/**
 * An XML element with its namespace resolved, as WCF reads one: what identifies a data member is its namespace URI
 * and local name, never the prefix the sender happened to choose. fast-xml-parser keeps prefixes as written, so the
 * `xmlns` declarations in scope are applied here.
 */
export interface XmlElement {
  /** Namespace URI; null for an unqualified element. */
  ns: string | null;
  /** Local name, without prefix. */
  name: string;
  children: XmlElement[];
  /** Text content (entities decoded, trimmed); null when empty. */
  text: string | null;
  /** `xsi:nil="true"`: WCF's way of writing a null member. */
  nil: boolean;
  /** Unprefixed attributes by name (XML Schema's `name`, `targetNamespace`), as written. */
  attributes: Record<string, string>;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // Character references (`&#252;`, `&#xD;`) are XML itself, not HTML: every XML reader decodes them, and .NET's
  // writers emit them (a carriage return in a WCF string is always `&#xD;`). fast-xml-parser decodes them only with
  // this option (it also knows HTML's named entities, which well-formed SOAP never uses).
  htmlEntities: true,
});

/** The document element of well-formed XML (validate first), or null when there is none. */
export function readXmlDocument(xml: string): XmlElement | null {
  const nodes = parser.parse(xml) as OrderedNode[];
  const root = nodes.find((node) => elementName(node) !== null && !elementName(node)!.startsWith('?'));
  return root ? toElement(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])) : null;
}

/** The first child with this namespace and local name. */
export function childNamed(element: XmlElement | null | undefined, ns: string | null, name: string): XmlElement | undefined {
  return element?.children.find((child) => child.ns === ns && child.name === name);
}

function elementName(node: OrderedNode): string | null {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text') ?? null;
}

function toElement(node: OrderedNode, inherited: Map<string, string>): XmlElement {
  const qualified = elementName(node)!;
  const attributes = node[':@'] ?? {};
  let scope = inherited;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (attribute === '@_xmlns' || attribute.startsWith('@_xmlns:')) {
      if (scope === inherited) scope = new Map(inherited);
      scope.set(attribute === '@_xmlns' ? '' : attribute.slice('@_xmlns:'.length), value);
    }
  }
  const colon = qualified.indexOf(':');
  const prefix = colon === -1 ? '' : qualified.slice(0, colon);
  const nil = Object.entries(attributes).some(([attribute, value]) => /^@_(?:[\w.-]+:)?nil$/.test(attribute) && value === 'true');
  const content = (node[qualified] as OrderedNode[] | undefined) ?? [];
  const texts = content.filter((child) => '#text' in child).map((child) => String(child['#text']));
  // Trimmed once the references are decoded: a value ending in `&#xD;` has no trailing break either.
  const text = texts.join('').trim();
  return {
    // An undeclared prefix names no namespace we could match: treat it as one that matches nothing.
    ns: scope.get(prefix) ?? (prefix ? `undeclared:${prefix}` : null),
    name: colon === -1 ? qualified : qualified.slice(colon + 1),
    children: content.filter((child) => elementName(child) !== null).map((child) => toElement(child, scope)),
    text: text === '' ? null : text,
    nil,
    attributes: Object.fromEntries(
      Object.entries(attributes)
        .filter(([attribute]) => attribute.startsWith('@_') && !attribute.includes(':') && attribute !== '@_xmlns')
        .map(([attribute, value]) => [attribute.slice(2), String(value)]),
    ),
  };
}
