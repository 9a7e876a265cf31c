/**
 * The WSDL the simulator publishes at `?singleWsdl`, as a WCF service with metadata publishing on would: the service
 * schema (tempuri.org) and one data-contract schema per namespace, a derived request type extending the base one
 * (the shape of the sibling DomainApi.svc's WSDL, github domainreseller/net-dna). Only what the doctor reads is here:
 * which schema declares which members.
 */
export function contactApiWsdl(namespaces: { base: string; data: string }): string {
  const member = (name: string) => `<xs:element minOccurs="0" name="${name}" nillable="true" type="xs:string"/>`;
  const operation = (name: string) =>
    `<xs:element name="${name}"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="request" nillable="true" type="q1:${name}Request" xmlns:q1="${namespaces.data}"/></xs:sequence></xs:complexType></xs:element>`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<wsdl:definitions name="ContactApi" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/">',
    '<wsdl:types>',
    `<xs:schema elementFormDefault="qualified" targetNamespace="http://tempuri.org/">${operation('GetDetails')}${operation('ResendContactVerificationNotice')}</xs:schema>`,
    `<xs:schema elementFormDefault="qualified" targetNamespace="${namespaces.base}"><xs:complexType name="BaseMethodRequest"><xs:sequence>${member('Password')}${member('UserName')}</xs:sequence></xs:complexType></xs:schema>`,
    `<xs:schema elementFormDefault="qualified" targetNamespace="${namespaces.data}" xmlns:b="${namespaces.base}">`,
    ...['GetDetailsRequest', 'ResendContactVerificationNoticeRequest'].map(
      (type) => `<xs:complexType name="${type}"><xs:complexContent mixed="false"><xs:extension base="b:BaseMethodRequest"><xs:sequence>${member('ContactEmail')}${member('ExternalId')}</xs:sequence></xs:extension></xs:complexContent></xs:complexType>`,
    ),
    '</xs:schema>',
    '</wsdl:types>',
    '</wsdl:definitions>',
  ].join('');
}
