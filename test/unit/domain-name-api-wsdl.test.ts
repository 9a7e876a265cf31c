import { describe, expect, it } from 'vitest';
import { namespacesInWsdl } from '../../src/providers/domain-name-api/wsdl-namespaces.js';
import { contactApiWsdl } from '../../src/sandbox/domain-name-api-wsdl.js';

const BASE = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
const DATA = 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts';

describe("the namespaces a ContactApi.svc WSDL declares", () => {
  it('finds where the request members and the credentials are declared', () => {
    expect(namespacesInWsdl(contactApiWsdl({ base: BASE, data: DATA }))).toEqual({ base: BASE, data: DATA });
  });

  it('reads schemas by namespace, whatever the prefixes, and a derived type nested in complexContent', () => {
    const wsdl = `<?xml version="1.0"?>
      <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" targetNamespace="http://tempuri.org/"><types>
        <schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:data">
          <complexType name="GetDetailsRequest"><complexContent><extension base="q:BaseMethodRequest"><sequence>
            <element name="ContactEmail" type="string"/><element name="ExternalId" type="string"/>
          </sequence></extension></complexContent></complexType>
        </schema>
        <x:schema xmlns:x="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:base">
          <x:complexType name="BaseMethodRequest"><x:sequence><x:element name="Password"/><x:element name="UserName"/></x:sequence></x:complexType>
        </x:schema>
      </types></definitions>`;
    expect(namespacesInWsdl(wsdl)).toEqual({ base: 'urn:base', data: 'urn:data' });
  });

  it('ignores elements of the same names outside XML Schema, and answers null for a page that is not XML', () => {
    const notSchema = `<definitions xmlns:y="urn:not-xsd"><y:schema targetNamespace="urn:data"><y:element name="ContactEmail"/><y:element name="ExternalId"/></y:schema></definitions>`;
    expect(namespacesInWsdl(notSchema)).toEqual({});
    expect(namespacesInWsdl('<html><body>Metadata publishing for this service is currently disabled.<br></body>')).toBeNull();
  });
});
