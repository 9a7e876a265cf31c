import { XMLValidator } from 'fast-xml-parser';
import type { DnaNamespaces } from './soap.js';
import { REQUEST_FIELDS } from './soap.js';
import type { XmlElement } from './soap-xml.js';
import { readXmlDocument } from './soap-xml.js';

/**
 * The service's own statement of its data-contract namespaces. The gateway's are settings because ContactApi.svc's
 * WSDL is not public (providers/domain-name-api.md, revision 2); a WCF service that publishes metadata serves its
 * whole WSDL, every schema inline, at `<service>?singleWsdl`. Each `xs:schema` there has a `targetNamespace`, and the
 * one that declares `ExternalId` / `ContactEmail` is where WCF reads those members; `UserName` / `Password` likewise.
 */
export const SINGLE_WSDL_QUERY = 'singleWsdl';
/** A WSDL is a few tens of KB; anything far larger is not one worth reading. */
export const WSDL_MAX_BYTES = 2 * 1024 * 1024;

const XML_SCHEMA_NS = 'http://www.w3.org/2001/XMLSchema';

/**
 * The namespaces the WSDL declares the request members in: `data` where `ExternalId` and `ContactEmail` are, `base`
 * where `UserName` and `Password` are (each undefined when no schema declares them). Null when the text is not XML.
 */
export function namespacesInWsdl(xml: string): Partial<DnaNamespaces> | null {
  if (XMLValidator.validate(xml) !== true) return null;
  const document = readXmlDocument(xml);
  if (!document) return null;
  const found: Partial<DnaNamespaces> = {};
  for (const schema of schemasIn(document)) {
    const target = schema.attributes.targetNamespace;
    if (!target) continue;
    const declared = new Set(declaredElementNames(schema));
    if (declared.has(REQUEST_FIELDS.externalId) && declared.has(REQUEST_FIELDS.email)) found.data ??= target;
    if (declared.has(REQUEST_FIELDS.username) && declared.has(REQUEST_FIELDS.password)) found.base ??= target;
  }
  return found;
}

/** Every xs:schema in the document, wherever it sits (wsdl:types holds them; nesting is not assumed). */
function schemasIn(element: XmlElement): XmlElement[] {
  const schemas: XmlElement[] = [];
  const stack = [element];
  while (stack.length) {
    const next = stack.pop()!;
    if (next.ns === XML_SCHEMA_NS && next.name === 'schema') schemas.push(next);
    else stack.push(...next.children);
  }
  return schemas;
}

/** The names of the xs:element declarations inside one schema (its complex types' members included). */
function declaredElementNames(schema: XmlElement): string[] {
  const names: string[] = [];
  const stack = [...schema.children];
  while (stack.length) {
    const next = stack.pop()!;
    if (next.ns === XML_SCHEMA_NS && next.name === 'element' && next.attributes.name) names.push(next.attributes.name);
    stack.push(...next.children);
  }
  return names;
}
